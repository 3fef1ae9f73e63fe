import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { JOBS_STREAM, RESULTS_STREAM, jobSubject } from '@orkestra/contracts';
import { JetStreamBus, connectBus } from '@orkestra/bus';
import { agentSandbox, eventually, startModelServer, testNats, trakFixtures } from '@orkestra/testing';
import type { AgentSandbox, ModelServer, TestNats } from '@orkestra/testing';
import { RunnerService } from '../src/service/runner-service.js';
import { bareRemote } from './support/bare-remote.js';
import { resultsProbe } from './support/results-probe.js';
import { claudeRunnerJobs, jobAfter } from './support/runner-jobs.js';

// A job delivered again after a runner already finished it (the scheduler replays it once the
// dedupe window has passed, or a runner stopped before its ack reached NATS): on real JetStream
// with the real Claude Code CLI against the scripted model server.
jest.setTimeout(120_000);

let nats: TestNats;
let dir: string;
let remote: string;
let sandbox: AgentSandbox;
let server: ModelServer;
let probe: JetStreamBus;
const buses: JetStreamBus[] = [];
const runners: RunnerService[] = [];

beforeAll(async () => {
  nats = await testNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-duplicate-'));
  remote = await bareRemote(dir, { '.orkestra/agents/work.md': 'You implement the task.\n', 'README.md': 'hello\n' });
  server = await startModelServer({ protocol: 'anthropic', script: { turns: [{ tool_use: [{ name: 'StructuredOutput', input: { type: 'summary', content: 'Done, once' } }] }] } });
  sandbox = await agentSandbox();
  probe = new JetStreamBus(nats.connection, { namespace: nats.prefix });
});

afterAll(async () => {
  for (const runner of runners) await runner.drain(0).catch(() => undefined);
  for (const bus of buses) await bus.close().catch(() => undefined);
  await probe?.close();
  await server?.close();
  await sandbox?.cleanup();
  await nats?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A runner with the real Claude Code CLI, on its own NATS connection, as a runner process has. */
async function startRunner(name: string): Promise<RunnerService> {
  const bus = await connectBus({ servers: nats.url, name, namespace: nats.prefix });
  buses.push(bus);
  const executor = claudeRunnerJobs({ root: dir, name, remote, sandbox, modelUrl: server.url });
  const runner = new RunnerService({ bus, executor, identity: { name, labels: [], agents: ['claudecode'], slots: 1 } });
  runners.push(runner);
  await runner.start();
  return runner;
}

describe('a job delivered again after it was done', () => {
  it('runs the agent once: another runner answers the replay with the recorded result and takes it off the queue', async () => {
    const { results } = await resultsProbe(probe);
    const jsm = await jetstreamManager(nats.connection);
    const meta = { now: trakFixtures.NOW, actor: 'scheduler' };
    const job = jobAfter(trakFixtures.createTrak('t-dup'), { type: 'RequestAgentRun', data: { runId: 't-dup_a0_1' }, metadata: meta });

    const first = await startRunner('runner-a');
    await probe.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });
    const finished = await eventually(() => {
      const found = results.find((r) => r.kind === 'agent-finished');
      expect(found).toMatchObject({ jobId: 't-dup_a0_1', output: { type: 'artifact', content: 'Done, once' } });
      return found!;
    }, 90_000);
    const sessionId = finished.kind === 'agent-finished' ? finished.sessionId : undefined;
    const agentRequests = server.requests().filter((r) => r.kind === 'main').length;
    expect(agentRequests).toBeGreaterThan(0);
    await first.drain(5_000);

    // The first runner is gone; the scheduler, not having seen the result, sends the job again
    // under a new message id, so JetStream does not drop it as a duplicate.
    await startRunner('runner-b');
    await probe.publish(jobSubject(job), JSON.stringify(job), { msgId: `${job.jobId}:replay-1` });

    // Acked: the work queue is empty and nothing waits to be delivered again.
    const jobs = nats.prefix + JOBS_STREAM.name;
    await eventually(async () => {
      expect((await jsm.streams.info(jobs)).state.messages).toBe(0);
      expect(await jsm.consumers.info(jobs, 'runners-agent-claudecode')).toMatchObject({ num_pending: 0, num_ack_pending: 0, num_redelivered: 0, delivered: { stream_seq: 2 } });
    }, 20_000);

    // The agent ran once: no model request since, and all of them in the one session.
    const main = server.requests().filter((r) => r.kind === 'main');
    expect(main).toHaveLength(agentRequests);
    expect(new Set(main.map((r) => r.sessionId))).toEqual(new Set([sessionId]));
    // The scheduler sees the one result it already had: the answer to the replay carries the
    // same result under the same message id, which the results stream drops as a duplicate
    // (it has only ever stored agent-started and agent-finished).
    expect((await jsm.streams.info(nats.prefix + RESULTS_STREAM.name)).state.last_seq).toBe(2);
    expect(results).toEqual([{ kind: 'agent-started', jobId: 't-dup_a0_1', runnerId: 'runner-a', incarnation: expect.any(String), sessionId }, finished]);
  });
});
