import { InProcessBus } from '@orkestra/application';
import { JOB_CANCELS_BUCKET, RESULTS_STREAM, RUNNERS_BUCKET, jobResultSchema, jobSubject, runnerEntrySchema } from '@orkestra/contracts';
import type { Bus, BusMessage } from '@orkestra/application';
import type { AgentRunJob, GateRunJob, Job, JobResult } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import { RunnerService } from '../src/service/runner-service.js';
import type { JobExecutor, RunnerIdentity, RunnerServiceOptions } from '../src/service/runner-service.js';

const ACK_WAIT = 300;

const repo = { branch: 'ork/t-1', baseBranch: 'main' };
const agentJob = (jobId: string, agent: 'claudecode' | 'opencode' = 'claudecode'): AgentRunJob => ({
  kind: 'agent-run',
  jobId,
  trakId: 't-1',
  projectId: 'p-1',
  flow: 'default',
  stage: { name: 'work', artifact: 'summary', prompt: 'work.md', agent: { kind: agent }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 600 },
  iteration: 1,
  session: { mode: 'new' },
  repo,
  trak: { title: 'Add a health endpoint', description: 'Expose /health' },
  artifacts: [],
  resources: [],
  activityLogs: {},
  workflow: [{ stage: 'work', artifact: 'summary', current: true }],
  siblings: [],
  output: { kind: 'artifact', artifact: 'summary', routeTo: [] },
  timeoutSeconds: 600,
});
const gateJob = (jobId: string): GateRunJob => ({ kind: 'gate-run', jobId, trakId: 't-1', projectId: 'p-1', stage: 'work', iteration: 1, command: 'npm test', timeoutSeconds: 60, repo, env: {} });

/** An executor whose jobs finish when the test says, recording what ran. */
function fakeExecutor() {
  const ran: string[] = [];
  const aborted: string[] = [];
  const pending = new Map<string, (result?: JobResult) => void>();
  let inFlight = 0;
  let most = 0;
  const run = (job: Job, signal?: AbortSignal, onSession?: () => void): Promise<JobResult> => {
    ran.push(job.jobId);
    most = Math.max(most, ++inFlight);
    onSession?.();
    return new Promise<JobResult>((resolve) => {
      const finish = (result?: JobResult): void => {
        inFlight--;
        const done: JobResult =
          job.kind === 'agent-run'
            ? { kind: 'agent-finished', jobId: job.jobId, output: { type: 'artifact', content: 'done' } }
            : { kind: 'gate-finished', jobId: job.jobId, exitCode: 0, timedOut: false, output: 'ok' };
        resolve(result ?? done);
      };
      pending.set(job.jobId, finish);
      signal?.addEventListener('abort', () => {
        aborted.push(job.jobId);
        finish({ kind: 'agent-failed', jobId: job.jobId, reason: 'Lost', message: 'stopped' });
      });
    });
  };
  const executor: JobExecutor = {
    agentRun: (job, hooks) => run(job, hooks.signal, () => hooks.onEntry?.({ kind: 'session', sessionId: `ses-${job.jobId}` })),
    gateRun: (job, hooks) => run(job, hooks.signal),
    integration: (job) => run(job),
  };
  return { executor, ran, aborted, finish: (jobId: string) => pending.get(jobId)?.(), most: () => most };
}

async function results(bus: Bus): Promise<{ received: { subject: string; result: JobResult; msgId?: string }[] }> {
  await bus.provision({ streams: [RESULTS_STREAM], consumers: [{ stream: RESULTS_STREAM.name, durable: 'scheduler', ackWaitMs: 10_000 }], buckets: [] });
  const received: { subject: string; result: JobResult; msgId?: string }[] = [];
  await bus.consume(RESULTS_STREAM.name, 'scheduler', async (m: BusMessage) => {
    received.push({ subject: m.subject, result: jobResultSchema.parse(m.json()), ...(m.msgId !== undefined && { msgId: m.msgId }) });
  });
  return { received };
}

const send = (bus: Bus, job: Job) => bus.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

function runner(bus: Bus, executor: JobExecutor, identity: Partial<RunnerIdentity> = {}, options: Partial<RunnerServiceOptions> = {}): RunnerService {
  return new RunnerService({
    bus,
    executor,
    identity: { name: 'runner-a', labels: [], agents: ['claudecode'], slots: 1, ...identity },
    ackWaitMs: ACK_WAIT,
    heartbeatMs: 100,
    ...options,
  });
}

/** What the scheduler does to call a job off. */
const callOff = async (bus: Bus, jobId: string, reason = 'cancelled'): Promise<void> => {
  await (await bus.bucket(JOB_CANCELS_BUCKET.name)).put(jobId, { reason, at: new Date().toISOString() });
};

describe('a runner on the bus', () => {
  let bus: InProcessBus;
  beforeEach(() => {
    bus = new InProcessBus();
  });
  afterEach(async () => bus.close());

  it('registers with its agents and slots, runs a job once, and publishes that it started and its result', async () => {
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { labels: ['linux'], incarnation: 'life-1' });
    await service.start();
    const { received } = await results(bus);
    const entry = await (await bus.bucket(RUNNERS_BUCKET.name)).get('runner-a');
    expect(entry?.value).toMatchObject({ agents: ['claudecode'], slots: 1, labels: ['linux'], incarnation: 'life-1' });

    await send(bus, agentJob('job-1'));
    await eventually(() => expect(fake.ran).toEqual(['job-1']));
    fake.finish('job-1');

    await eventually(() => expect(received.map((r) => [r.subject, r.result.kind, r.msgId])).toEqual([
      ['ork.res.job-1.agent-started', 'agent-started', 'job-1:agent-started:runner-a:life-1'],
      ['ork.res.job-1.agent-finished', 'agent-finished', 'job-1:agent-finished'],
    ]));
    expect(received[0]!.result).toMatchObject({ runnerId: 'runner-a', incarnation: 'life-1', sessionId: 'ses-job-1' });
    await service.drain(1_000);
  });

  it('takes only jobs for the agents it has', async () => {
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { agents: ['claudecode'] });
    await service.start();
    await send(bus, agentJob('for-opencode', 'opencode'));
    await send(bus, gateJob('gate-1'));
    await eventually(() => expect(fake.ran).toEqual(['gate-1']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.ran).toEqual(['gate-1']);
    fake.finish('gate-1');
    await service.drain(1_000);
  });

  it('takes the jobs of every subset of its labels and says so in the registry, but none that needs a label it lacks', async () => {
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { labels: ['linux', 'gpu'], slots: 8 });
    await service.start();
    const entry = runnerEntrySchema.parse((await (await bus.bucket(RUNNERS_BUCKET.name)).get('runner-a'))?.value);
    expect(entry).toMatchObject({ labels: ['linux', 'gpu'], pools: ['gpu', 'linux', 'gpu+linux'] });

    const labelled = (jobId: string, runsOn: string[]): GateRunJob => ({ ...gateJob(jobId), ...(runsOn.length > 0 && { runsOn }) });
    await send(bus, labelled('anywhere', []));
    await send(bus, labelled('on-gpu', ['gpu']));
    await send(bus, labelled('on-linux', ['linux']));
    await send(bus, labelled('on-both', ['gpu', 'linux']));
    await send(bus, agentJob('agent-anywhere'));
    await send(bus, { ...agentJob('agent-on-gpu'), runsOn: ['gpu'] });
    await send(bus, labelled('big-memory', ['big-memory']));
    await send(bus, labelled('gpu-big-memory', ['gpu', 'big-memory']));
    await send(bus, { ...agentJob('opencode-on-gpu', 'opencode'), runsOn: ['gpu'] });

    await eventually(() => expect([...fake.ran].sort()).toEqual(['agent-anywhere', 'agent-on-gpu', 'anywhere', 'on-both', 'on-gpu', 'on-linux']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.ran).toHaveLength(6);
    for (const id of fake.ran) fake.finish(id);
    await service.drain(1_000);
  });

  it('holds no more jobs than its slots across all its queues, leaving the rest to other runners', async () => {
    const [a, b, c] = [fakeExecutor(), fakeExecutor(), fakeExecutor()];
    const labels = ['gpu', 'linux'];
    const first = runner(bus, a.executor, { name: 'runner-a', labels });
    await first.start();
    for (const [i, runsOn] of [[], ['gpu'], ['linux'], ['gpu', 'linux']].entries()) await send(bus, { ...gateJob(`job-${i}`), ...(runsOn.length > 0 && { runsOn }) });
    await eventually(() => expect(a.ran).toHaveLength(1));

    // Full, it took one job from one of its twelve queues and left the other three on the bus.
    const second = runner(bus, b.executor, { name: 'runner-b', labels });
    await second.start();
    await eventually(() => expect(b.ran).toHaveLength(1));
    const third = runner(bus, c.executor, { name: 'runner-c', labels });
    await third.start();
    await eventually(() => expect(c.ran).toHaveLength(1));
    expect(a.ran).toHaveLength(1);

    for (const fake of [a, b, c]) fake.finish(fake.ran[0]!);
    await eventually(() => expect([...a.ran, ...b.ran, ...c.ran].sort()).toEqual(['job-0', 'job-1', 'job-2', 'job-3']));
    for (const fake of [a, b, c]) for (const id of fake.ran) fake.finish(id);
    await Promise.all([first.drain(1_000), second.drain(1_000), third.drain(1_000)]);
  });

  it('never runs more jobs at once than it has slots, and keeps waiting jobs alive past the ack wait', async () => {
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { slots: 2 });
    await service.start();
    for (const id of ['a', 'b', 'c', 'd']) await send(bus, gateJob(id));
    await eventually(() => expect(fake.ran).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, ACK_WAIT * 3));
    expect(fake.ran).toHaveLength(2); // nothing was redelivered while they waited
    for (const id of ['a', 'b', 'c', 'd']) {
      await eventually(() => expect(fake.ran).toContain(id));
      fake.finish(id);
    }
    expect(fake.most()).toBe(2);
    await service.drain(1_000);
  });

  it('answers a job delivered again after it was done from its recorded result, without running it again', async () => {
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor);
    await service.start();
    const { received } = await results(bus);
    await send(bus, gateJob('g-1'));
    await eventually(() => expect(fake.ran).toEqual(['g-1']));
    fake.finish('g-1');
    await eventually(() => expect(received).toHaveLength(1));

    // The same job again, as a new message (its first delivery was acked, or a runner died before acking).
    await bus.publish(jobSubject(gateJob('g-1')), JSON.stringify(gateJob('g-1')), { msgId: 'g-1-again' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.ran).toEqual(['g-1']);
    await service.drain(1_000);
  });

  it('does not run a job twice that comes again while it still runs here (the bus took it for lost through a NATS outage)', async () => {
    const logs: string[] = [];
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { slots: 2 }, { log: (message) => void logs.push(message) });
    await service.start();
    const { received } = await results(bus);
    await send(bus, gateJob('g-again'));
    await eventually(() => expect(fake.ran).toEqual(['g-again']));

    await bus.publish(jobSubject(gateJob('g-again')), JSON.stringify(gateJob('g-again')), { msgId: 'g-again-redelivered' });
    await eventually(() => expect(logs).toContain('job delivered again while this runner has it; not run twice'));
    fake.finish('g-again');

    await eventually(() => expect(received.map((r) => r.result.kind)).toEqual(['gate-finished']));
    await new Promise((resolve) => setTimeout(resolve, ACK_WAIT * 3)); // an unacked delivery would come again by now
    expect(fake.ran).toEqual(['g-again']);
    expect(received).toHaveLength(1);
    await service.drain(1_000);
  });

  it('starts each life with a new incarnation: the same runner restarted reports its start of a job apart from its previous life', async () => {
    const { received } = await results(bus);
    const lives: string[] = [];
    for (const life of [1, 2]) {
      const fake = fakeExecutor();
      const service = runner(bus, fake.executor);
      await service.start();
      lives.push(service.incarnation);
      // The same job delivered again to the restarted runner (its first life never finished it).
      await bus.publish(jobSubject(agentJob('job-r')), JSON.stringify(agentJob('job-r')), { msgId: `job-r-${life}` });
      await eventually(() => expect(fake.ran).toEqual(['job-r']));
      await service.drain(0);
    }
    expect(new Set(lives).size).toBe(2);
    await eventually(() => expect(received.filter((r) => r.result.kind === 'agent-started').map((r) => r.result)).toEqual(lives.map((incarnation) => expect.objectContaining({ runnerId: 'runner-a', incarnation }))));
  });

  it('logs each job it takes, ends and hands back, naming the job, its Trak, its kind and the runner', async () => {
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    const log = (message: string, fields?: Record<string, unknown>): void => void logs.push({ message, ...(fields !== undefined && { fields }) });
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { incarnation: 'life-1' }, { log });
    await service.start();
    await send(bus, gateJob('g-done'));
    await eventually(() => expect(fake.ran).toEqual(['g-done']));
    fake.finish('g-done');
    await send(bus, gateJob('g-stopped'));
    await eventually(() => expect(fake.ran).toEqual(['g-done', 'g-stopped']));
    await service.drain(0);

    const about = { trakId: 't-1', kind: 'gate-run', runner: 'runner-a', incarnation: 'life-1' };
    expect(logs.filter((l) => l.message.startsWith('job ')).map((l) => [l.message, l.fields])).toEqual([
      ['job taken', expect.objectContaining({ jobId: 'g-done', ...about, delivery: 1 })],
      ['job ended', expect.objectContaining({ jobId: 'g-done', ...about, result: 'gate-finished', exitCode: 0, ranMs: expect.any(Number) })],
      ['job taken', expect.objectContaining({ jobId: 'g-stopped', ...about })],
      ['job handed back', expect.objectContaining({ jobId: 'g-stopped', ...about, reason: expect.stringContaining('stopping') })],
    ]);
  });

  it('drains: takes nothing new, stops a job still running after the grace period, and another runner gets it', async () => {
    const first = fakeExecutor();
    const a = runner(bus, first.executor);
    await a.start();
    await send(bus, gateJob('long'));
    await eventually(() => expect(first.ran).toEqual(['long']));

    await a.drain(100);
    await send(bus, gateJob('after-drain'));

    const second = fakeExecutor();
    const b = runner(bus, second.executor, { name: 'runner-b', slots: 2 });
    await b.start();
    await eventually(() => expect(second.ran).toEqual(expect.arrayContaining(['long', 'after-drain'])));
    expect(first.ran).toEqual(['long']);
    expect(await (await bus.bucket(RUNNERS_BUCKET.name)).get('runner-a')).toBeUndefined();
    second.finish('long');
    second.finish('after-drain');
    await b.drain(1_000);
  });

  it('skips a job called off before it ran: runs nothing, publishes nothing, and acks it', async () => {
    const fake = fakeExecutor();
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    const service = runner(bus, fake.executor, {}, { log: (message, fields) => logs.push({ message, ...(fields !== undefined && { fields }) }) });
    await service.start();
    const { received } = await results(bus);
    await callOff(bus, 'gone', 'trak cancelled');

    await send(bus, agentJob('gone'));
    await eventually(() => expect(logs.filter((l) => l.fields?.['jobId'] === 'gone')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, ACK_WAIT * 3)); // an unacked job would be delivered again by now
    expect(logs.filter((l) => l.fields?.['jobId'] === 'gone')).toEqual([{ message: expect.stringContaining('called off'), fields: expect.objectContaining({ jobId: 'gone', trakId: 't-1', kind: 'agent-run', runner: 'runner-a', reason: 'trak cancelled' }) }]);
    expect(fake.ran).toEqual([]);
    expect(received).toEqual([]);
    await service.drain(1_000);
  });

  it('stops a running job once it is called off, within the poll interval, publishes no result, acks it and frees its slot', async () => {
    const POLL = 100;
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor, { slots: 1 }, { cancelPollMs: POLL });
    await service.start();
    const { received } = await results(bus);
    await send(bus, gateJob('doomed'));
    await eventually(() => expect(fake.ran).toEqual(['doomed']));

    const calledOffAt = Date.now();
    await callOff(bus, 'doomed', 'deadline passed');
    await eventually(() => expect(fake.aborted).toEqual(['doomed']));
    expect(Date.now() - calledOffAt).toBeLessThan(POLL * 3);

    await send(bus, gateJob('next')); // runs only if the one slot was freed
    await eventually(() => expect(fake.ran).toEqual(['doomed', 'next']));
    fake.finish('next');
    await eventually(() => expect(received.map((r) => r.result.jobId)).toEqual(['next']));
    await new Promise((resolve) => setTimeout(resolve, ACK_WAIT * 3)); // an unacked job would be delivered again by now
    expect(fake.ran).toEqual(['doomed', 'next']);
    expect(received.map((r) => r.result.jobId)).toEqual(['next']);
    await service.drain(1_000);
  });

  it('refuses what is not a job for good, says why, counts it in its registry entry, and runs the next good job', async () => {
    const fake = fakeExecutor();
    const logs: { message: string; fields?: Record<string, unknown> }[] = [];
    const service = runner(bus, fake.executor, {}, { log: (message, fields) => logs.push({ message, ...(fields !== undefined && { fields }) }) });
    await service.start();
    const { received } = await results(bus);

    await bus.publish('ork.job.gate-run.any', '{"hello":"world"}', { msgId: 'junk' });
    await bus.publish('ork.job.agent-run.claudecode', JSON.stringify({ ...agentJob('bad-agent'), stage: { ...agentJob('x').stage, agent: { kind: 'gpt' } } }), { msgId: 'bad-agent' });
    await bus.publish('ork.job.gate-run.any', 'not json at all', { msgId: 'not-json' });
    await send(bus, gateJob('good'));

    await eventually(() => expect(fake.ran).toEqual(['good']));
    fake.finish('good');
    await eventually(() => expect(received.map((r) => r.result.jobId)).toEqual(['good']));
    const refused = logs.filter((l) => l.message === 'malformed message refused').map((l) => l.fields);
    expect(refused).toEqual([
      { consumer: 'jobs', subject: 'ork.job.gate-run.any', reason: 'job.kind: expected "agent-run" | "gate-run" | "integration"' },
      { consumer: 'jobs', subject: 'ork.job.agent-run.claudecode', reason: 'job.stage.agent.kind: expected "claudecode" | "opencode"' },
      { consumer: 'jobs', subject: 'ork.job.gate-run.any', reason: expect.stringMatching(/^job: not JSON/) },
    ]);
    await eventually(async () => expect((await (await bus.bucket(RUNNERS_BUCKET.name)).get('runner-a'))?.value).toMatchObject({ malformed: { jobs: 3 } }));
    // Termed, so never delivered again.
    await new Promise((resolve) => setTimeout(resolve, ACK_WAIT * 2));
    expect(refused).toHaveLength(3);
    await service.drain(1_000);
  });

  it('takes an entry in the cancels bucket as a call-off even when its value is garbage, and counts the garbage', async () => {
    const fake = fakeExecutor();
    const service = runner(bus, fake.executor);
    await service.start();
    await (await bus.bucket(JOB_CANCELS_BUCKET.name)).put('doomed', { why: 'no reason field' });

    await send(bus, gateJob('doomed'));
    await send(bus, gateJob('next'));

    await eventually(() => expect(fake.ran).toEqual(['next']));
    fake.finish('next');
    await eventually(async () => expect((await (await bus.bucket(RUNNERS_BUCKET.name)).get('runner-a'))?.value).toMatchObject({ malformed: { 'job-cancels': 1 } }));
    await service.drain(1_000);
  });
});
