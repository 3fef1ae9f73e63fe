import { JOB_CANCELS_BUCKET, RUNNERS_BUCKET, eventSubject, resultSubject } from '@orkestra/contracts';
import type { AgentOutput, FlowDefinition, Job } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import { SchedulerHarness, createTrak, gatedFlow, happyRunner } from './support/scheduler-harness.js';
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
  await harness.stopSchedulers();
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

describe('a result and the next job', () => {
  it('commit together: when the job cannot be queued neither lands, and the result delivered again finishes the hand-off', async () => {
    // The gate's job fails to queue until the trigger goes; a sequence (outside any transaction) counts the tries.
    await harness.rows(`CREATE SEQUENCE gate_queue_tries`);
    await harness.rows(`CREATE FUNCTION refuse_gate_job() RETURNS trigger AS $$
      BEGIN
        IF NEW.job_id = 'atomic-1_g0_1' THEN PERFORM nextval('gate_queue_tries'); RAISE EXCEPTION 'disk full'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await harness.rows(`CREATE TRIGGER refuse_gate_job BEFORE INSERT ON scheduler.jobs FOR EACH ROW EXECUTE FUNCTION refuse_gate_job()`);
    try {
      await harness.startScheduler();
      await withRunners(happyRunner());
      await harness.command('atomic-1', createTrak('atomic-1', 'p-1'));

      await eventually(async () => expect(Number((await harness.rows<{ n: string }>(`SELECT last_value AS n FROM gate_queue_tries`))[0]!.n)).toBeGreaterThanOrEqual(2), 15_000);
      // Tried and refused at least twice: the agent's result is not recorded without the gate it leads to.
      expect(await harness.eventTypes('atomic-1')).not.toContain('AgentRunCompleted');
      expect(await harness.rows(`SELECT job_id FROM scheduler.jobs WHERE trak_id = 'atomic-1'`)).toEqual([{ job_id: 'atomic-1_a0_1' }]);
    } finally {
      await harness.rows(`DROP TRIGGER refuse_gate_job ON scheduler.jobs`);
    }

    await eventually(async () => expect((await harness.state('atomic-1')).status).toBe('Archived'), 15_000);
    const types = await harness.eventTypes('atomic-1');
    expect(types.filter((type) => type === 'AgentRunCompleted')).toHaveLength(1);
    expect(types.filter((type) => type === 'GateRunRequested')).toHaveLength(1);
  }, 40_000);
});

describe('a malformed message', () => {
  it('is refused for good with its reason, counted, and the scheduler goes on with the next good one', async () => {
    const malformed: string[] = [];
    await harness.startScheduler({ ackWaitMs: 1_000, runnerWatchIntervalMs: 100, observe: { malformed: (consumer) => malformed.push(consumer) } });
    await withRunners(happyRunner());
    const junkResult = { kind: 'agent-finished', jobId: 'junk-1_a0_1', output: { type: 'artifact' } };
    await harness.bus.publish(resultSubject({ jobId: 'junk-1_a0_1', kind: 'agent-finished' }), JSON.stringify(junkResult), { msgId: 'junk-result' });
    const junkEventSubject = eventSubject({ streamId: 'trak-junk-1', type: 'TrakCreated', metadata: { projectId: 'p-junk' } });
    await harness.bus.publish(junkEventSubject, '{"id": "e-1", "streamId":', { msgId: 'junk-event' });
    await (await harness.bus.bucket(RUNNERS_BUCKET.name)).put('ghost', { name: 'ghost', lastSeen: 12 });

    await harness.command('after-junk', createTrak('after-junk', 'p-1'));

    await eventually(async () => expect((await harness.state('after-junk')).status).toBe('Archived'), 15_000);
    await eventually(() => expect([...malformed].sort()).toEqual(['runner-registry', 'scheduler-events', 'scheduler-results']));
    const refused = harness.logs.filter((l) => l.message === 'malformed message refused').map((l) => l.fields);
    expect(refused).toEqual(
      expect.arrayContaining([
        { consumer: 'scheduler-results', subject: 'ork.res.junk-1_a0_1.agent-finished', reason: 'result.output.content: missing (expected string)' },
        { consumer: 'scheduler-events', subject: junkEventSubject, reason: expect.stringMatching(/^event: not JSON/) },
        { consumer: 'runner-registry', subject: 'ork_runners.ghost', reason: expect.stringContaining('runner.labels: missing (expected array)') },
      ]),
    );
    // Past the ack wait and many registry rounds: nothing delivered or reported again.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(malformed).toHaveLength(3);
  }, 30_000);
});

describe('Subtraks', () => {
  it('creates the Subtraks of a breakdown, starts only those whose dependencies are done, and blocks the parent naming a child that failed', async () => {
    const split: FlowDefinition = {
      name: 'split',
      stages: [{ name: 'breakdown', artifact: 'tasks', prompt: 'breakdown.md', agent: { kind: 'claudecode' }, subtasks: { flow: 'gated' }, disallowedTools: [], maxAttempts: 1, agentTimeoutSeconds: 600 }],
      integration: { onFailure: 'breakdown', autoMerge: true },
    };
    const part = (title: string, dependsOn: number[]) => ({ title, description: `${title} part`, detailedInstructions: `Build the ${title}.`, dependsOn });
    await harness.startScheduler();
    const happy = happyRunner();
    const runner = await withRunners((job) => {
      if (job.kind !== 'agent-run') return happy(job);
      const output: AgentOutput =
        job.trakId === 'split-1'
          ? { type: 'subtasks', content: 'two parts', subtasks: [part('schema', []), part('api', [0])] }
          : { type: 'failed', error: 'the schema is owned by another team' };
      return [{ kind: 'agent-finished', jobId: job.jobId, output, usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 }, sessionId: `session-${job.trakId}` }];
    });
    const create = createTrak('split-1', 'p-split', split);
    await harness.command('split-1', { ...create, data: { ...create.data, subtaskFlows: { gated: gatedFlow } } });

    await eventually(async () => expect((await harness.state('split-1')).status).toBe('Blocked'), 15_000);
    const parent = await harness.state('split-1');
    const [schema, api] = 'trak' in parent ? parent.trak.subtraks : [];
    expect(parent).toMatchObject({ detail: `Subtrak "schema" (${schema!.trakId}) failed: The agent reported a failure: the schema is owned by another team` });
    expect((await harness.state(schema!.trakId)).status).toBe('Failed');
    // The api part waits on the schema: it exists, and never ran.
    expect((await harness.state(api!.trakId)).status).not.toBe('Initial');
    expect(runner.received.filter((job) => job.trakId === api!.trakId)).toEqual([]);
  }, 30_000);
});

describe('several scheduler instances', () => {
  it('share the work: every Trak finishes and no job is sent twice', async () => {
    await harness.startScheduler({ instance: 'one' });
    await harness.startScheduler({ instance: 'two' });
    let gateRuns = 0;
    const happy = happyRunner();
    const runner = await withRunners((job) =>
      job.kind === 'gate-run' && ++gateRuns % 3 === 0 ? [{ kind: 'gate-finished', jobId: job.jobId, exitCode: 1, timedOut: false, output: 'flaky' }] : happy(job),
    );
    const ids = Array.from({ length: 12 }, (_, i) => `multi-${i}`);
    await Promise.all(ids.map((id, i) => harness.command(id, createTrak(id, `p-${i % 3}`))));

    await eventually(async () => {
      for (const id of ids) expect((await harness.state(id)).status).toBe('Archived');
    }, 20_000);
    const sent = runner.jobIds();
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.filter((id) => id.endsWith('_i1'))).toHaveLength(12);
  }, 30_000);
});

describe('limits, holds and timers', () => {
  it('keeps jobs out within the global limit and lets a project with one Trak go before a busy project’s third', async () => {
    await harness.startScheduler({ limits: { global: 2, perProject: 10 } });
    const runner = await withRunners(() => []); // takes jobs and says nothing until told
    // One after the other, so the busy project's jobs are queued in this order.
    await harness.command('big-1', createTrak('big-1', 'busy'));
    await eventually(() => expect(runner.jobIds()).toEqual(['big-1_a0_1']), 10_000);
    await harness.command('big-2', createTrak('big-2', 'busy'));
    await eventually(() => expect(runner.jobIds()).toEqual(['big-1_a0_1', 'big-2_a0_1']), 10_000);
    await harness.command('big-3', createTrak('big-3', 'busy'));
    await eventually(async () => expect(await harness.rows(`SELECT job_id FROM scheduler.jobs WHERE dispatched_at IS NULL`)).toHaveLength(1), 10_000);
    // A run's deadline (its timeout plus a minute) counts from dispatch, not while it waits for a slot.
    expect(
      await harness.rows(
        `SELECT t.timer_id, EXTRACT(EPOCH FROM (t.due_at - j.dispatched_at))::int AS seconds FROM scheduler.timers t JOIN scheduler.jobs j ON j.job_id = t.armed_by_job ORDER BY 1`,
      ),
    ).toEqual([
      { timer_id: 'big-1_a0_1_deadline', seconds: 660 },
      { timer_id: 'big-2_a0_1_deadline', seconds: 660 },
      { timer_id: 'big-3_a0_1_deadline', seconds: null },
    ]);
    await harness.command('small-1', createTrak('small-1', 'quiet'));
    await eventually(async () => expect(await harness.rows(`SELECT job_id FROM scheduler.jobs WHERE dispatched_at IS NULL`)).toHaveLength(2), 10_000);

    await runner.publish({ kind: 'agent-failed', jobId: 'big-1_a0_1', reason: 'Exited', message: 'crashed' });

    await eventually(() => expect(runner.jobIds()).toEqual(['big-1_a0_1', 'big-2_a0_1', 'small-1_a0_1']), 10_000);
    await harness.command('big-2', { type: 'Cancel', data: { reason: 'not needed' }, metadata: { now: new Date().toISOString(), actor: 'alice' } });
    await eventually(() => expect(runner.jobIds()).toEqual(['big-1_a0_1', 'big-2_a0_1', 'small-1_a0_1', 'big-3_a0_1']), 10_000);
    // The cancelled Trak's job is called off for the runner that has it.
    expect((await (await harness.bus.bucket(JOB_CANCELS_BUCKET.name)).get('big-2_a0_1'))?.value).toMatchObject({ reason: 'cancelled' });
  }, 30_000);

  it('holds an agent kind until a rate limit resets and retries the stage then, from timers that survive a restart', async () => {
    await harness.startScheduler();
    const resetAt = new Date(Date.now() + 10_000).toISOString();
    let limited = false;
    const happy = happyRunner();
    const runner = await withRunners((job) => {
      if (job.kind === 'agent-run' && !limited) {
        limited = true;
        return [{ kind: 'agent-failed', jobId: job.jobId, reason: 'RateLimited', message: 'usage limit reached', resetAt }];
      }
      return happy(job);
    });
    await harness.command('rl-1', createTrak('rl-1', 'p-rl'));
    // The failed run's deadline is gone with it; the retry waits for the reset.
    await eventually(async () => expect(await harness.rows(`SELECT kind FROM scheduler.timers WHERE trak_id = 'rl-1'`)).toEqual([{ kind: 'retry-due' }]), 8_000);

    // A new scheduler takes over while the hold and the retry wait; another Trak's agent run waits too.
    await harness.stopSchedulers();
    await harness.startScheduler();
    await harness.command('rl-2', createTrak('rl-2', 'p-other'));

    await eventually(async () => expect((await harness.state('rl-1')).status).toBe('Archived'), 25_000);
    await eventually(async () => expect((await harness.state('rl-2')).status).toBe('Archived'), 25_000);
    expect(runner.receivedAt.get('rl-1_a0_2')).toBeGreaterThanOrEqual(Date.parse(resetAt));
    expect(runner.receivedAt.get('rl-2_a0_1')).toBeGreaterThanOrEqual(Date.parse(resetAt));
  }, 60_000);

  it('declares the run of a runner that went silent lost and runs the stage again', async () => {
    await harness.startScheduler({ runnerLostMs: 500, runnerWatchIntervalMs: 100 });
    const happy = happyRunner('box-2');
    const runner = await withRunners((job) =>
      job.jobId === 'lost-1_a0_1' ? [{ kind: 'agent-started', jobId: job.jobId, runnerId: 'box-gone', sessionId: 's-gone' }] : happy(job),
    );
    await harness.command('lost-1', createTrak('lost-1', 'p-lost'));

    await eventually(async () => expect((await harness.state('lost-1')).status).toBe('Archived'), 15_000);
    expect(runner.jobIds().filter((id) => id.includes('_a'))).toEqual(['lost-1_a0_1', 'lost-1_a0_2']);
    const failure = (await harness.store.readStream('trak-lost-1')).events.find((e) => e.type === 'AgentRunFailed');
    expect(failure?.data).toMatchObject({ runId: 'lost-1_a0_1', reason: 'Lost', message: expect.stringContaining('box-gone') });
    expect((await (await harness.bus.bucket(JOB_CANCELS_BUCKET.name)).get('lost-1_a0_1'))?.value).toMatchObject({ reason: 'runner box-gone was lost' });
  }, 30_000);

  it('records a run taken over by the same runner restarted, then by another runner, each start naming its runner', async () => {
    await harness.startScheduler();
    const happy = happyRunner('box-b');
    const starts = async (trakId: string) =>
      (await harness.store.readStream(`trak-${trakId}`)).events.filter((e) => e.type === 'AgentRunStarted').map((e) => e.data);
    const lives = [
      ['box-a', 'life-1'],
      ['box-a', 'life-2'],
      ['box-b', 'life-1'],
    ] as const;
    await withRunners(async (job) => {
      if (job.kind !== 'agent-run') return happy(job);
      // Each life starts the job after the one before it was recorded, as a takeover follows the loss of the runner before.
      for (const [index, [runnerId, incarnation]] of lives.entries()) {
        await runners!.publish({ kind: 'agent-started', jobId: job.jobId, runnerId, incarnation, sessionId: `s-${runnerId}-${incarnation}` });
        await eventually(async () => expect(await starts(job.trakId)).toHaveLength(index + 1), 10_000);
      }
      return (await happy(job)).filter((result) => result.kind !== 'agent-started');
    });
    await harness.command('take-1', createTrak('take-1', 'p-take'));

    await eventually(async () => expect((await harness.state('take-1')).status).toBe('Archived'), 20_000);
    expect(await starts('take-1')).toEqual([
      expect.objectContaining({ runnerId: 'box-a', incarnation: 'life-1', sessionId: 's-box-a-life-1' }),
      expect.objectContaining({ runnerId: 'box-a', incarnation: 'life-2', sessionId: 's-box-a-life-2', takesOverFrom: 'box-a' }),
      expect.objectContaining({ runnerId: 'box-b', incarnation: 'life-1', sessionId: 's-box-b-life-1', takesOverFrom: 'box-a' }),
    ]);
    expect((await starts('take-1'))[0]).not.toHaveProperty('takesOverFrom');
  }, 30_000);

  it('calls off a run no runner answered by its deadline, records it timed out, and runs the stage again', async () => {
    await harness.startScheduler();
    const happy = happyRunner();
    const runner = await withRunners((job) => (job.jobId === 'late-1_a0_1' ? [] : happy(job)));
    await harness.command('late-1', createTrak('late-1', 'p-late'));
    await eventually(async () => expect(await harness.rows(`SELECT timer_id FROM scheduler.timers WHERE trak_id = 'late-1' AND due_at IS NOT NULL`)).toEqual([{ timer_id: 'late-1_a0_1_deadline' }]), 10_000);

    // Eleven minutes pass: the run's timeout and a minute of grace.
    await harness.rows(`UPDATE scheduler.timers SET due_at = now() WHERE timer_id = 'late-1_a0_1_deadline'`);
    await eventually(async () => expect(await harness.rows(`SELECT timer_id FROM scheduler.timers WHERE trak_id = 'late-1'`)).toEqual([{ timer_id: 'late-1_a0_2_retry' }]), 10_000);
    const failure = (await harness.store.readStream('trak-late-1')).events.find((e) => e.type === 'AgentRunFailed');
    expect(failure?.data).toMatchObject({ runId: 'late-1_a0_1', reason: 'TimedOut' });
    expect((await (await harness.bus.bucket(JOB_CANCELS_BUCKET.name)).get('late-1_a0_1'))?.value).toMatchObject({ reason: 'deadline passed' });

    // The stage runs again once the domain's backoff (10 s for a first retry) has passed.
    await eventually(async () => expect((await harness.state('late-1')).status).toBe('Archived'), 20_000);
    expect(runner.jobIds().filter((id) => id.includes('_a'))).toEqual(['late-1_a0_1', 'late-1_a0_2']);
  }, 40_000);

  it('blocks a Trak instead of starting another stage once its project spent its budget, keeping its work', async () => {
    await harness.startScheduler({ projectBudgets: { 'p-budget': { maxCostUsd: 0.005 } } });
    const happy = happyRunner();
    const runner = await withRunners((job) => (job.kind === 'gate-run' ? [{ kind: 'gate-finished', jobId: job.jobId, exitCode: 1, timedOut: false, output: 'FAIL' }] : happy(job)));
    await harness.command('b-1', createTrak('b-1', 'p-budget'));

    await eventually(async () => expect(await harness.state('b-1')).toMatchObject({ status: 'Blocked', reason: 'BudgetExceeded' }), 10_000);
    expect(await harness.state('b-1')).toMatchObject({ detail: "Budget exceeded: cost $0.01 exceeds project p-budget's budget of $0.005" });
    expect(runner.jobIds()).toEqual(['b-1_a0_1', 'b-1_g0_1']);
    expect(await harness.eventTypes('b-1')).toContain('AgentRunCompleted');
    expect(await harness.rows(`SELECT project_id, tokens, cost_usd::float8 AS cost FROM scheduler.usage`)).toContainEqual({ project_id: 'p-budget', tokens: '150', cost: 0.01 });
  }, 20_000);
});
