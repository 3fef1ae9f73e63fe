import { runnerWait, runnerWaitDetail } from '@orkestra/domain';
import type { FlowDefinition } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import { SchedulerHarness, createTrak, gatedFlow, happyRunner } from './support/scheduler-harness.js';
import type { LabelledRunner, RunnerScript } from './support/scheduler-harness.js';

// Stages that name runner labels, on real Postgres and NATS, with runners that read the queues of
// their labels as real runners do. Its own spec file: nothing else may read ORK_JOBS here.
let harness: SchedulerHarness;
const runners: LabelledRunner[] = [];

beforeAll(async () => {
  harness = await SchedulerHarness.create();
});

afterEach(async () => {
  await harness.stopSchedulers();
});

afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await harness.cleanup();
});

async function startRunner(name: string, labels: string[], script?: RunnerScript): Promise<LabelledRunner> {
  const runner = harness.labelledRunner(name, labels, script);
  runners.push(runner);
  await runner.start();
  return runner;
}

/** gatedFlow whose one stage needs a GPU: its agent run, its gate and its integration all go to GPU runners. */
const gpuFlow: FlowDefinition = { ...gatedFlow, name: 'gpu', stages: gatedFlow.stages.map((stage) => ({ ...stage, runsOn: ['gpu'] })) };

describe('a stage that needs a runner label', () => {
  it('waits queued while no live runner has the label, says why once, and goes to the first runner that has it, never to one without', async () => {
    await harness.startScheduler();
    const linux = await startRunner('linux-box', ['linux']);
    await harness.command('gpu-1', createTrak('gpu-1', 'p-1', gpuFlow));

    await eventually(async () => expect(runnerWait(await harness.state('gpu-1'))).toBeDefined(), 10_000);
    const waiting = await harness.state('gpu-1');
    expect(waiting.status).toBe('AgentRunning');
    expect(runnerWaitDetail(runnerWait(waiting)!)).toBe('waiting for a runner with label gpu and Claude Code: none is registered');
    // Several dispatch passes later, it was said once, and the job is still queued, its deadline not running.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect((await harness.eventTypes('gpu-1')).filter((type) => type === 'NoRunnerFound')).toHaveLength(1);
    expect(await harness.rows(`SELECT job_id, dispatched_at, runner_wait_at IS NOT NULL AS told FROM scheduler.jobs WHERE trak_id = 'gpu-1'`)).toEqual([
      { job_id: 'gpu-1_a0_1', dispatched_at: null, told: true },
    ]);
    expect(await harness.rows(`SELECT due_at FROM scheduler.timers WHERE trak_id = 'gpu-1'`)).toEqual([{ due_at: null }]);
    expect(linux.received).toEqual([]);

    // The GPU runner holds the run until told, so what the Trak says once the job went out is seen before the run starts.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const happy = happyRunner('gpu-box');
    const gpu = await startRunner('gpu-box', ['gpu', 'linux'], async (job) => {
      if (job.jobId === 'gpu-1_a0_1') await held;
      return happy(job);
    });

    await eventually(() => expect(gpu.jobIds()).toEqual(['gpu-1_a0_1']), 10_000);
    await eventually(async () => expect(await harness.eventTypes('gpu-1')).toContain('RunnerFound'), 10_000);
    expect(runnerWait(await harness.state('gpu-1'))).toBeUndefined();
    expect(await harness.eventTypes('gpu-1')).not.toContain('AgentRunStarted');
    release();

    await eventually(async () => expect((await harness.state('gpu-1')).status).toBe('Archived'), 20_000);
    expect(gpu.jobIds()).toEqual(['gpu-1_a0_1', 'gpu-1_g0_1', 'gpu-1_i1']);
    expect(linux.received).toEqual([]);
    const types = await harness.eventTypes('gpu-1');
    expect(types.filter((type) => type === 'NoRunnerFound' || type === 'RunnerFound')).toEqual(['NoRunnerFound', 'RunnerFound']);
  }, 60_000);

  it('still sends a stage without labels to any runner', async () => {
    await harness.startScheduler();
    const linux = runners.find((r) => r.name === 'linux-box')!;
    await harness.command('plain-1', createTrak('plain-1', 'p-2'));
    await eventually(async () => expect((await harness.state('plain-1')).status).toBe('Archived'), 20_000);
    expect(await harness.eventTypes('plain-1')).not.toContain('NoRunnerFound');
    expect([...linux.jobIds(), ...runners.find((r) => r.name === 'gpu-box')!.jobIds()].filter((id) => id.startsWith('plain-1'))).toHaveLength(3);
  }, 30_000);
});
