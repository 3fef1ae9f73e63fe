import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { jobSubject } from '@orkestra/contracts';
import type { JetStreamBus } from '@orkestra/bus';
import type { GateRunJob, ProjectRepository } from '@orkestra/domain';
import { eventually, sleep, testNats } from '@orkestra/testing';
import type { TestNats } from '@orkestra/testing';
import { bareRemote } from './support/bare-remote.js';
import { resultsProbe } from './support/results-probe.js';
import type { ResultsProbe } from './support/results-probe.js';
import { startRunnerApp } from './support/runner-app.js';

// Jobs carry the project's repository: a runner with no entry for the project clones it from
// there, a runner's own entry wins, and a runner restricted to some projects hands the others back.
let nats: TestNats;
let dir: string;
let remoteOne: string;
let remoteTwo: string;
const apps: INestApplication[] = [];
let probe: JetStreamBus;
let results: ResultsProbe;

beforeAll(async () => {
  nats = await testNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-repository-'));
  await mkdir(path.join(dir, 'one'));
  await mkdir(path.join(dir, 'two'));
  remoteOne = await bareRemote(path.join(dir, 'one'), { 'README.md': 'one\n' });
  remoteTwo = await bareRemote(path.join(dir, 'two'), { 'README.md': 'two\n' });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await nats.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function runner(name: string, settings: object): Promise<void> {
  const started = await startRunnerApp({ dir, nats, name, dataDir: path.join(dir, name), settings });
  apps.push(started.app);
  probe ??= started.probe;
  results ??= await resultsProbe(started.probe);
}

const gate = (trakId: string, projectId: string, repository: ProjectRepository): GateRunJob => ({
  kind: 'gate-run',
  jobId: `${trakId}_g0_1`,
  trakId,
  projectId,
  repository,
  stage: 'work',
  iteration: 1,
  command: 'cat README.md',
  timeoutSeconds: 30,
  repo: { branch: `ork/${trakId}`, baseBranch: 'main' },
  env: {},
});

const send = (job: GateRunJob) => probe.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

describe('a job that carries its repository', () => {
  it("is handed back by a runner that does not serve its project, cloned by one that does, and a runner's own entry wins", async () => {
    await runner('box-a', { projects: { 'project-1': { remote: remoteOne } }, serveProjects: ['project-1'] });

    await send(gate('t-two', 'project-2', { remote: remoteTwo }));
    await send(gate('t-one', 'project-1', { remote: remoteTwo }));

    // box-a runs its own project, from its own entry rather than the job's repository…
    await eventually(() => expect(results.results).toEqual([{ kind: 'gate-finished', jobId: 't-one_g0_1', exitCode: 0, timedOut: false, output: 'one' }]), 20_000);
    // …and neither runs nor fails project-2's job: it waits for another runner.
    await sleep(1_500);
    expect(results.results.map((r) => r.jobId)).toEqual(['t-one_g0_1']);

    await runner('box-b', {});

    await eventually(() => expect(results.results).toContainEqual({ kind: 'gate-finished', jobId: 't-two_g0_1', exitCode: 0, timedOut: false, output: 'two' }), 20_000);
    expect(results.results).toHaveLength(2);
  }, 60_000);
});
