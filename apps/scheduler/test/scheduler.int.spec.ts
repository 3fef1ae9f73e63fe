import type { Job } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import { SchedulerHarness, createTrak, happyRunner } from './support/scheduler-harness.js';
import type { RunnerScript, ScriptedRunners } from './support/scheduler-harness.js';

// The scheduler on real Postgres and NATS, with scripted runners answering its jobs on the bus.
let harness: SchedulerHarness;
let runners: ScriptedRunners | undefined;

beforeAll(async () => {
  harness = await SchedulerHarness.create();
});

afterEach(async () => {
  await runners?.stop();
  runners = undefined;
});

afterAll(async () => {
  await harness.cleanup();
});

async function withRunners(script: RunnerScript): Promise<ScriptedRunners> {
  runners = harness.runners(script);
  await runners.start();
  return runners;
}

describe('the scheduler driving a Trak', () => {
  it('sends each job once, feeds each result back, retries a failed gate, and merges', async () => {
    await harness.startScheduler();
    let gateRuns = 0;
    const happy = happyRunner();
    const runner = await withRunners((job) => {
      if (job.kind === 'gate-run' && ++gateRuns === 1) return [{ kind: 'gate-finished', jobId: job.jobId, exitCode: 1, timedOut: false, output: 'FAIL health.spec.ts' }];
      return happy(job);
    });

    await harness.command('t-1', createTrak('t-1', 'p-1'));

    await eventually(async () => expect((await harness.state('t-1')).status).toBe('Archived'), 15_000);
    expect(runner.jobIds()).toEqual(['t-1_a0_1', 't-1_g0_1', 't-1_a0_2', 't-1_g0_2', 't-1_i1']);
    const second = runner.received[2] as Extract<Job, { kind: 'agent-run' }>;
    expect(second.trigger).toMatchObject({ kind: 'gate_failure' });
    expect(second.session).toEqual({ mode: 'resume', sessionId: 'session-t-1' });
    // Results are handled concurrently, so a run's start may be recorded before its end or found stale after it.
    expect((await harness.eventTypes('t-1')).filter((type) => type !== 'AgentRunStarted')).toEqual([
      'TrakCreated',
      'StageQueued',
      'AgentRunRequested',
      'AgentRunCompleted',
      'ArtifactProduced',
      'GateRunRequested',
      'GateFailed',
      'StageQueued',
      'AgentRunRequested',
      'AgentRunCompleted',
      'ArtifactProduced',
      'GateRunRequested',
      'GatePassed',
      'StageApproved',
      'TrakDone',
      'IntegrationRequested',
      'IntegrationSucceeded',
    ]);
  }, 30_000);
});
