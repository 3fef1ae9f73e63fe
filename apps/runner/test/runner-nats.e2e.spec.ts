import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RESULTS_STREAM, RUNNERS_BUCKET, jobResultSchema, jobSubject, runnerEntrySchema } from '@orkestra/contracts';
import type { BusMessage } from '@orkestra/application';
import type { JetStreamBus } from '@orkestra/bus';
import type { GateRunJob, JobResult } from '@orkestra/domain';
import { agentBinaries, eventually, testNats } from '@orkestra/testing';
import type { TestNats } from '@orkestra/testing';
import { bareRemote } from './support/bare-remote.js';
import { startRunnerApp } from './support/runner-app.js';

// The runner process as deployed: config from env and yaml, NATS JetStream, git, a gate job in
// and its result out, and a clean goodbye from the registry when it shuts down.
let nats: TestNats;
let dir: string;
let app: INestApplication;
let probe: JetStreamBus;

beforeAll(async () => {
  nats = await testNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-nats-'));
  const remote = await bareRemote(dir, { 'README.md': 'hello\n' });

  ({ app, probe } = await startRunnerApp({ dir, nats, name: 'box-1', settings: { agents: { claudecode: agentBinaries().claude }, projects: { 'project-1': { remote } }, labels: ['linux', 'test'] } }));
});

afterAll(async () => {
  await app?.close();
  await probe?.close();
  await nats.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('a runner process on NATS', () => {
  it('registers with the agents it found and its labels, runs a gate job in a worktree, publishes the result, and leaves the registry on shutdown', async () => {
    const registry = await probe.bucket(RUNNERS_BUCKET.name);
    expect(runnerEntrySchema.parse((await registry.get('box-1'))?.value)).toMatchObject({ agents: ['claudecode'], labels: ['linux', 'test'], slots: 2 });

    await probe.provision({ streams: [RESULTS_STREAM], consumers: [{ stream: RESULTS_STREAM.name, durable: 'probe', ackWaitMs: 30_000 }], buckets: [] });
    const results: JobResult[] = [];
    await probe.consume(RESULTS_STREAM.name, 'probe', async (message: BusMessage) => {
      results.push(jobResultSchema.parse(message.json()));
    });
    const job: GateRunJob = {
      kind: 'gate-run',
      jobId: 'trak-9_g0_1',
      trakId: 'trak-9',
      projectId: 'project-1',
      stage: 'work',
      iteration: 1,
      command: 'cat README.md && echo "stage $ORKESTRA_STAGE"',
      timeoutSeconds: 30,
      repo: { branch: 'ork/trak-9-readme', baseBranch: 'main' },
      env: { ORKESTRA_STAGE: 'work' },
    };
    await probe.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

    await eventually(() => expect(results).toEqual([{ kind: 'gate-finished', jobId: 'trak-9_g0_1', exitCode: 0, timedOut: false, output: 'hello\nstage work' }]), 20_000);

    await app.close();
    expect(await registry.get('box-1')).toBeUndefined();
  }, 60_000);
});
