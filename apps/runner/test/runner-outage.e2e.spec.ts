import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { jobSubject } from '@orkestra/contracts';
import { connectBus } from '@orkestra/bus';
import type { JetStreamBus } from '@orkestra/bus';
import type { GateRunJob } from '@orkestra/domain';
import { eventually, sleep, startPrivateNats } from '@orkestra/testing';
import type { PrivateNats } from '@orkestra/testing';
import { stringify } from 'yaml';
import { createApp, loadRunnerConfig } from '../src/index.js';
import { bareRemote } from './support/bare-remote.js';
import { resultsProbe } from './support/results-probe.js';

// NATS goes away while a runner is in the middle of a job and comes back a few seconds later.
// The runner process as deployed, on a nats-server of this spec's own that it can take down.
let nats: PrivateNats;
let dir: string;
let app: INestApplication | undefined;
let probe: JetStreamBus | undefined;
const logs: string[] = [];

beforeAll(async () => {
  nats = await startPrivateNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-outage-'));
  const remote = await bareRemote(dir, { 'README.md': 'hello\n' });
  const file = path.join(dir, 'runner.yaml');
  await writeFile(file, stringify({ projects: { 'project-1': { remote } } }));
  const config = loadRunnerConfig(
    { ORK_RUNNER_PORT: '0', ORK_RUNNER_NAME: 'box-1', ORK_RUNNER_NATS_URL: nats.url, ORK_RUNNER_DATA_DIR: path.join(dir, 'data'), ORK_RUNNER_DRAIN_GRACE_SECONDS: '5' },
    file,
  );
  app = await createApp(config, { logger: { write: (line: string) => void logs.push(line) } });
  probe = await connectBus({ servers: nats.url, name: 'outage-probe', onConsumeFailure: () => undefined });
});

afterAll(async () => {
  // Shutting down needs the server, whatever state a failed test left it in.
  if (nats !== undefined && !nats.running) await nats.start().catch(() => undefined);
  await app?.close().catch(() => undefined);
  await probe?.close().catch(() => undefined);
  await nats?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}, 30_000);

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('a runner through a NATS outage', () => {
  it('finishes the job it was running, publishes its result once NATS is back, and does not run it again', async () => {
    const { results } = await resultsProbe(probe!);
    const started = path.join(dir, 'started');
    const counter = path.join(dir, 'ran');
    const job: GateRunJob = {
      kind: 'gate-run',
      jobId: 'trak-7_g0_1',
      trakId: 'trak-7',
      projectId: 'project-1',
      stage: 'work',
      iteration: 1,
      command: `echo started >> ${started}; sleep 3; echo ran >> ${counter}; echo ok`,
      timeoutSeconds: 60,
      repo: { branch: 'ork/trak-7-outage', baseBranch: 'main' },
      env: {},
    };
    await probe!.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });
    await eventually(() => expect(existsSync(started)).toBe(true), 20_000);

    await sleep(1_000);
    await nats.stop();
    // The job ends while NATS is down; it stays down past a request's 5 s timeout, so the
    // runner cannot just have its first attempt at the result go through late.
    await eventually(() => expect(existsSync(counter)).toBe(true), 10_000);
    await sleep(6_000);
    await nats.start();

    await eventually(() => expect(results).toEqual([{ kind: 'gate-finished', jobId: 'trak-7_g0_1', exitCode: 0, timedOut: false, output: 'ok' }]), 25_000);
    expect(await lines(counter)).toEqual(['ran']);
    expect(logs.some((line) => line.includes('could not store the result; retrying'))).toBe(true);
    // The outage's trouble on the bus is in the runner's own log, a JSON line each (not the console).
    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['msg'] === 'a bus consumption failed; it retries')).toContainEqual(
      expect.objectContaining({ level: 'warn', service: 'runner', stream: 'ORK_JOBS', durable: expect.any(String), error: expect.any(String) }),
    );
  }, 90_000);
});
