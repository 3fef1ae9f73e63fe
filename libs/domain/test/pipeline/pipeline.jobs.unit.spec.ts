import { DEADLINE_GRACE_MS, decidePipeline } from '../../src/pipeline/pipeline.decide.js';
import { jobRequirement, jobRunsOn } from '../../src/pipeline/pipeline.jobs.js';
import type { AgentRunJob, PipelineOutput } from '../../src/pipeline/pipeline.types.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import { stageRunsOn } from '../../src/workflow/workflow.types.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { cmd, currentRunId, defaultFlow, historyOf, later, stage, stateOf } from '../support/fixtures.js';
import {
  childHistory,
  doneTrak,
  eventInput,
  followPipeline,
  fromWorkToDone,
  lastOf,
  onlyOutput,
  subtrakDone,
  trakIdOf,
  trakOf,
  waitingOnChildren,
  whenLastEvent,
} from '../support/pipeline-support.js';
import { artifact, gateResult, gateRunningAtWork, newTrak, queuedAtWork, ran, started } from '../support/scenarios.js';

const GRACE_S = DEADLINE_GRACE_MS / 1000;
const autoMergeFlow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };

/** The agent job the pipeline sends for the last event (AgentRunRequested) of a history. */
function jobFor(events: readonly TrakEvent[]): AgentRunJob {
  const outputs = decidePipeline(eventInput(events[events.length - 1]!), stateOf(events));
  const job = onlyOutput(outputs, 'send-job').job;
  if (job.kind !== 'agent-run') throw new Error(`expected an agent-run job, got ${job.kind}`);
  return job;
}

/** A Trak queued at review (work passed its gate and was approved by a human). */
const queuedAtReview = () => historyOf(gateResult(gateRunningAtWork(), 0, 'ok'), cmd('Approve', {}));

describe('a Trak whose stage was just queued', () => {
  it('asks for an agent run whose id is derived from the Trak, the stage index and the iteration', () => {
    const events = newTrak();
    const id = trakIdOf(events);
    whenLastEvent(events, 'StageQueued').then([{ kind: 'command', trakId: id, command: { type: 'RequestAgentRun', data: { runId: `${id}_a0_1` } } }]);
  });

  it('uses the index of the stage in the flow for later stages', () => {
    const events = queuedAtWork();
    const id = trakIdOf(events);
    whenLastEvent(events, 'StageQueued').then([{ kind: 'command', trakId: id, command: { type: 'RequestAgentRun', data: { runId: `${id}_a2_1` } } }]);
  });

  it('asks for a run the decider accepts', () => {
    const events = followPipeline(newTrak());
    expect(stateOf(events)).toMatchObject({ status: 'AgentRunning', run: { runId: `${trakIdOf(events)}_a0_1` } });
  });

  describe('with a not-before time because it is backing off', () => {
    const backingOff = () => {
      const events = started(newTrak());
      const runId = currentRunId(events);
      return historyOf(events, cmd('RecordAgentRunFailure', { runId, reason: 'Exited', message: 'exit 1' }));
    };

    it('sets a retry timer at that time and asks for nothing else', () => {
      const events = backingOff();
      const id = trakIdOf(events);
      expect(lastOf(events, 'StageQueued').data.notBefore).toBe(later(10));
      whenLastEvent(events, 'StageQueued').then([
        { kind: 'schedule', timer: { id: `${id}_a0_2_retry`, kind: 'retry-due', trakId: id, stage: 'planning', iteration: 2 }, at: later(10) },
      ]);
    });

    it('waits until the provider says its rate limit resets', () => {
      const events = started(newTrak());
      const runId = currentRunId(events);
      const limited = historyOf(events, cmd('RecordAgentRunFailure', { runId, reason: 'RateLimited', message: '429', resetAt: later(3600) }));
      const outputs = decidePipeline(eventInput(limited[limited.length - 1]!), stateOf(limited));
      expect(outputs).toEqual([expect.objectContaining({ kind: 'schedule', at: later(3600) })]);
    });
  });

  it('ignores a StageQueued the Trak has since left, as superseded', () => {
    // The scheduler catches up on the first StageQueued after the Trak already moved to the next stage.
    const created = newTrak();
    const firstQueued = lastOf(created, 'StageQueued');
    const movedOn = historyOf(ran(created, artifact('Plan')), cmd('Approve', {}));
    expect(decidePipeline(eventInput(firstQueued), stateOf(movedOn))).toEqual([
      { kind: 'ignore', reason: 'Superseded', detail: 'stage "planning" iteration 1 is no longer queued' },
    ]);
  });

  it('ignores an older iteration of the same stage, as superseded', () => {
    const events = started(newTrak());
    const runId = currentRunId(events);
    const requeued = historyOf(events, cmd('RecordAgentRunFailure', { runId, reason: 'Lost', message: 'runner vanished' }));
    expect(decidePipeline(eventInput(lastOf(newTrak(), 'StageQueued')), stateOf(requeued))).toEqual([expect.objectContaining({ kind: 'ignore', reason: 'Superseded' })]);
  });
});

describe('a Trak whose agent run was just requested', () => {
  it('sends a job with everything the prompt needs and sets a deadline past the stage timeout', () => {
    const events = followPipeline(newTrak());
    const id = trakIdOf(events);
    const { branch } = trakOf(events);
    whenLastEvent(events, 'AgentRunRequested').then([
      {
        kind: 'send-job',
        job: {
          kind: 'agent-run',
          jobId: `${id}_a0_1`,
          trakId: id,
          projectId: 'project-1',
          flow: 'default',
          stage: defaultFlow.stages[0]!,
          iteration: 1,
          session: { mode: 'new' },
          repo: { branch, baseBranch: 'main' },
          trak: { title: 'Add a health endpoint', description: 'Expose /health on every service' },
          artifacts: [],
          resources: [],
          activityLogs: {},
          workflow: [
            { stage: 'planning', artifact: 'plan', current: true },
            { stage: 'breakdown', artifact: 'breakdown', current: false },
            { stage: 'work', artifact: 'summary', current: false },
            { stage: 'review', artifact: 'verdict', current: false },
            { stage: 'compound', artifact: 'learnings', current: false },
          ],
          siblings: [],
          output: { kind: 'artifact', artifact: 'plan', routeTo: [] },
          timeoutSeconds: 1800,
        },
      },
      { kind: 'schedule', timer: { id: `${id}_a0_1_deadline`, kind: 'run-deadline', trakId: id, runId: `${id}_a0_1` }, at: later(1800 + GRACE_S) },
    ]);
  });

  it("takes the run's deadline from the stage's own agent timeout", () => {
    const flow: FlowDefinition = { ...defaultFlow, stages: [stage('planning', { artifact: 'plan', agentTimeoutSeconds: 120 }), ...defaultFlow.stages.slice(1)] };
    const events = followPipeline(newTrak({ flow }));
    const outputs = decidePipeline(eventInput(events[events.length - 1]!), stateOf(events));
    expect(jobFor(events).timeoutSeconds).toBe(120);
    expect(onlyOutput(outputs, 'schedule').at).toBe(later(120 + GRACE_S));
  });

  it("carries the stage's runner labels, for the scheduler to route the job by", () => {
    const flow: FlowDefinition = { ...defaultFlow, stages: [stage('planning', { artifact: 'plan', runsOn: ['gpu', 'big-memory'] }), ...defaultFlow.stages.slice(1)] };
    expect(stageRunsOn(jobFor(followPipeline(newTrak({ flow }))).stage)).toEqual(['gpu', 'big-memory']);
  });

  it('reads a flow recorded before runs_on existed as running anywhere', () => {
    // As a TrakCreated from the log: JSON with no runsOn on any stage.
    const recorded = JSON.parse(JSON.stringify(defaultFlow)) as FlowDefinition;
    expect(recorded.stages.some((s) => 'runsOn' in s)).toBe(false);
    expect(stageRunsOn(jobFor(followPipeline(newTrak({ flow: recorded }))).stage)).toEqual([]);
  });

  it('carries the artifacts, resources and activity logs of earlier stages, and marks the current stage in the overview', () => {
    let events = ran(newTrak(), { type: 'artifact', content: '# Plan', activityLog: '- read the code', resources: [{ name: 'design', url: 'https://doc' }] });
    events = followPipeline(historyOf(events, cmd('Approve', {})));
    const job = jobFor(events);
    expect(job.artifacts).toEqual([expect.objectContaining({ name: 'plan', content: '# Plan', stage: 'planning', iteration: 1 })]);
    expect(job.resources).toEqual([{ name: 'design', url: 'https://doc' }]);
    expect(job.activityLogs).toEqual({ planning: '- read the code' });
    expect(job.workflow.filter((w) => w.current).map((w) => w.stage)).toEqual(['breakdown']);
  });

  it('asks a breakdown stage for subtasks', () => {
    const events = followPipeline(historyOf(ran(newTrak(), artifact('Plan')), cmd('Approve', {})));
    expect(jobFor(events).output).toEqual({ kind: 'subtasks', artifact: 'breakdown', routeTo: [] });
  });

  it('asks an agent-gate stage for a verdict that may route a rejection only to earlier stages', () => {
    const events = followPipeline(queuedAtReview());
    expect(jobFor(events).output).toEqual({ kind: 'verdict', artifact: 'verdict', routeTo: ['planning', 'breakdown', 'work'] });
  });

  it('resumes the stage session by its id when the session had activity (a gate failure)', () => {
    const failed = gateResult(gateRunningAtWork(), 1, 'tests failed');
    expect(lastOf(failed, 'StageQueued').data).toMatchObject({ session: 'resume', trigger: { kind: 'gate_failure' } });
    const job = jobFor(followPipeline(failed));
    expect(job.session).toEqual({ mode: 'resume', sessionId: 'session-1' });
    expect(job.trigger).toEqual({ kind: 'gate_failure', error: 'Gate failed with exit code 1:\ntests failed' });
    expect(job.iteration).toBe(2);
  });

  it('starts a new session with the feedback when a person rejected the output', () => {
    const rejected = historyOf(ran(newTrak(), artifact('Plan')), cmd('Reject', { feedback: 'Cover errors' }));
    const job = jobFor(followPipeline(rejected));
    expect(job.session).toEqual({ mode: 'new' });
    expect(job.trigger).toEqual({ kind: 'rejection', fromStage: 'planning', feedback: 'Cover errors' });
  });

  it('ignores a request for a run that is no longer current, as superseded', () => {
    const events = followPipeline(newTrak());
    const requested = lastOf(events, 'AgentRunRequested');
    const interrupted = historyOf(events, cmd('Interrupt', {}));
    expect(decidePipeline(eventInput(requested), stateOf(interrupted))).toEqual([expect.objectContaining({ kind: 'ignore', reason: 'Superseded' })]);
  });
});

describe('runner labels on the jobs a Trak sends', () => {
  const labelled = (labels: Readonly<Record<string, readonly string[]>>, base: FlowDefinition = defaultFlow): FlowDefinition => ({
    ...base,
    stages: base.stages.map((s) => (labels[s.name] === undefined ? s : { ...s, runsOn: labels[s.name] })),
  });
  const sentJob = (events: readonly TrakEvent[]) => onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job;

  it("gives an agent run its stage's labels in canonical form, and none to a stage that names none", () => {
    const flow = labelled({ planning: ['GPU', 'big-memory', 'gpu'] });
    expect(jobFor(followPipeline(newTrak({ flow })))).toMatchObject({ runsOn: ['big-memory', 'gpu'] });
    expect(jobFor(followPipeline(newTrak()))).not.toHaveProperty('runsOn');
  });

  it("sends a gate run where its stage's work runs: with the stage's labels", () => {
    const flow = labelled({ work: ['gpu'] });
    expect(sentJob(followPipeline(ran(queuedAtWork({ flow }), artifact('Trained it'))))).toMatchObject({ kind: 'gate-run', runsOn: ['gpu'] });
  });

  it('sends an integration with the labels every stage needs, and none when some stage needs none', () => {
    const everywhere = labelled({ planning: ['linux'], breakdown: ['linux'], work: ['linux', 'gpu'], review: ['Linux'], compound: ['linux'] }, autoMergeFlow);
    expect(sentJob(followPipeline(doneTrak({ flow: everywhere })))).toMatchObject({ kind: 'integration', runsOn: ['linux'] });
    expect(sentJob(followPipeline(doneTrak({ flow: labelled({ work: ['gpu'] }, autoMergeFlow) })))).not.toHaveProperty('runsOn');
  });

  it('reads what a job needs of a runner: its labels and, for an agent run, its CLI, from the stage for a job queued before jobs carried labels', () => {
    const job = jobFor(followPipeline(newTrak({ flow: labelled({ planning: ['gpu'] }) })));
    expect(jobRequirement(job)).toEqual({ labels: ['gpu'], agent: 'claudecode' });
    const { runsOn: _older, ...queuedBefore } = job;
    expect(jobRunsOn(queuedBefore)).toEqual(['gpu']);
    expect(jobRequirement(sentJob(followPipeline(ran(queuedAtWork(), artifact('x')))))).toEqual({ labels: [] });
  });
});

describe('a stage artifact that was just produced', () => {
  it('asks for a gate run with a derived id when the stage has a script gate', () => {
    const events = ran(queuedAtWork(), artifact('Implemented it'));
    const id = trakIdOf(events);
    whenLastEvent(events, 'ArtifactProduced').then([{ kind: 'command', trakId: id, command: { type: 'RequestGateRun', data: { gateRunId: `${id}_g2_1` } } }]);
  });

  it('asks for nothing when the stage waits for a person', () => {
    whenLastEvent(ran(newTrak(), artifact('Plan')), 'ArtifactProduced').thenNothingHappened();
  });
});

describe('a gate run that was just requested', () => {
  it('sends the gate command with its timeout and ORKESTRA_* environment, and sets a deadline', () => {
    const events = followPipeline(ran(queuedAtWork(), artifact('Implemented it')));
    const id = trakIdOf(events);
    const { branch } = trakOf(events);
    whenLastEvent(events, 'GateRunRequested').then([
      {
        kind: 'send-job',
        job: {
          kind: 'gate-run',
          jobId: `${id}_g2_1`,
          trakId: id,
          projectId: 'project-1',
          stage: 'work',
          iteration: 1,
          command: '$ORKESTRA_PROJECT_ROOT/.orkestra/scripts/checks.sh',
          timeoutSeconds: 600,
          repo: { branch, baseBranch: 'main' },
          env: {
            ORKESTRA_TASK_ID: id,
            ORKESTRA_TASK_TITLE: 'Add a health endpoint',
            ORKESTRA_BASE_BRANCH: 'main',
            ORKESTRA_BRANCH: branch,
            ORKESTRA_STAGE: 'work',
            ORKESTRA_ATTEMPT: '1',
          },
        },
      },
      { kind: 'schedule', timer: { id: `${id}_g2_1_deadline`, kind: 'gate-deadline', trakId: id, gateRunId: `${id}_g2_1` }, at: later(600 + GRACE_S) },
    ]);
  });

  it('tells the gate which attempt this is after a failure', () => {
    let events = gateResult(gateRunningAtWork(), 1, 'red');
    events = ran(events, artifact('Fixed'));
    events = followPipeline(events);
    const outputs = decidePipeline(eventInput(events[events.length - 1]!), stateOf(events));
    const job = onlyOutput(outputs, 'send-job').job;
    expect(job).toMatchObject({ kind: 'gate-run', iteration: 2, env: { ORKESTRA_ATTEMPT: '2' } });
  });

  it("carries the project's repository when the Trak recorded one, as its agent runs do", () => {
    const repository = { remote: '/srv/git/shop.git', setupScript: 'bin/setup' };
    const atWork = queuedAtWork({ repository });
    expect(jobFor(followPipeline(atWork))).toMatchObject({ repository });
    const events = followPipeline(ran(atWork, artifact('Implemented it')));
    expect(onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job).toMatchObject({ kind: 'gate-run', repository });
  });

  it("tells a Subtrak's gate its parent id and its parent's branch as base", () => {
    const parent = waitingOnChildren();
    const events = followPipeline(ran(childHistory(parent), artifact('Done')));
    const job = onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job;
    expect(job).toMatchObject({
      kind: 'gate-run',
      env: { ORKESTRA_PARENT_ID: trakIdOf(parent), ORKESTRA_BASE_BRANCH: trakOf(parent).branch, ORKESTRA_TASK_ID: `${trakIdOf(parent)}-s1` },
    });
  });

  it('sends no parent id for a top-level Trak', () => {
    const events = followPipeline(ran(queuedAtWork(), artifact('x')));
    const job = onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job;
    if (job.kind !== 'gate-run') throw new Error(`expected a gate-run job, got ${job.kind}`);
    expect(Object.keys(job.env)).not.toContain('ORKESTRA_PARENT_ID');
    expect(job.env['ORKESTRA_TASK_ID']).toBe(trakIdOf(events));
  });
});

describe('a Trak that just became Done', () => {
  const integration = (trakId: string, n: number, mode: 'merge' | 'pr'): PipelineOutput => ({
    kind: 'command',
    trakId,
    command: { type: 'RequestIntegration', data: { jobId: `${trakId}_i${n}`, mode } },
  });

  it('merges a Subtrak into its parent branch', () => {
    const events = subtrakDone(childHistory(waitingOnChildren()));
    whenLastEvent(events, 'TrakDone').then([integration(trakIdOf(events), 1, 'merge')]);
  });

  it('opens a pull request when the Trak was created with autoPr', () => {
    const events = doneTrak({ autoPr: true });
    whenLastEvent(events, 'TrakDone').then([integration(trakIdOf(events), 1, 'pr')]);
  });

  it('opens a pull request rather than merging when autoPr is set on a flow that auto-merges', () => {
    const events = doneTrak({ autoPr: true, flow: autoMergeFlow });
    whenLastEvent(events, 'TrakDone').then([integration(trakIdOf(events), 1, 'pr')]);
  });

  it('merges when the flow auto-merges, with a request the decider accepts', () => {
    const events = doneTrak({ flow: autoMergeFlow });
    whenLastEvent(events, 'TrakDone').then([integration(trakIdOf(events), 1, 'merge')]);
    expect(stateOf(followPipeline(events))).toMatchObject({ status: 'Integrating', jobId: `${trakIdOf(events)}_i1`, mode: 'merge' });
  });

  it('waits for a person otherwise', () => {
    whenLastEvent(doneTrak(), 'TrakDone').thenIgnored('AwaitingHuman');
  });

  it('numbers the next integration after a failed merge', () => {
    let events = followPipeline(doneTrak({ flow: autoMergeFlow }));
    const id = trakIdOf(events);
    events = historyOf(events, cmd('RecordIntegrationResult', { jobId: `${id}_i1`, result: { kind: 'conflict', message: 'Merge conflict', conflictFiles: ['a.ts'] } }));
    events = fromWorkToDone(events);
    whenLastEvent(events, 'TrakDone').then([integration(id, 2, 'merge')]);
  });

  it('does not open another pull request by itself after one failed', () => {
    let events = followPipeline(doneTrak({ autoPr: true }));
    events = historyOf(events, cmd('RecordIntegrationResult', { jobId: `${trakIdOf(events)}_i1`, result: { kind: 'failed', message: 'gh down' } }));
    whenLastEvent(events, 'PullRequestFailed').thenNothingHappened();
  });
});

describe('an integration that was just requested', () => {
  it('sends the integration job with the Trak, its branch and its artifacts', () => {
    const events = followPipeline(doneTrak({ flow: autoMergeFlow }));
    const id = trakIdOf(events);
    const trak = trakOf(events);
    whenLastEvent(events, 'IntegrationRequested').then([
      {
        kind: 'send-job',
        job: {
          kind: 'integration',
          jobId: `${id}_i1`,
          trakId: id,
          projectId: 'project-1',
          mode: 'merge',
          repo: { branch: trak.branch, baseBranch: 'main' },
          title: 'Add a health endpoint',
          description: 'Expose /health on every service',
          artifacts: Object.values(trak.artifacts),
        },
      },
    ]);
    expect(Object.keys(trak.artifacts)).toEqual(['plan', 'breakdown', 'summary', 'verdict', 'learnings']);
  });

  it("carries the project's repository when the Trak recorded one", () => {
    const repository = { remote: 'https://forge.test/shop/web.git' };
    const events = followPipeline(doneTrak({ flow: autoMergeFlow, repository }));
    expect(onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job).toMatchObject({ kind: 'integration', repository });
  });

  it("names a Subtrak's parent, whose branch it merges into", () => {
    const parent = waitingOnChildren();
    const events = followPipeline(subtrakDone(childHistory(parent)));
    const job = onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'send-job').job;
    expect(job).toMatchObject({ kind: 'integration', mode: 'merge', parentId: trakIdOf(parent), repo: { baseBranch: trakOf(parent).branch } });
  });

  it('ignores a request that is no longer current, as superseded', () => {
    const events = followPipeline(doneTrak({ flow: autoMergeFlow }));
    const requested = lastOf(events, 'IntegrationRequested');
    const merged = historyOf(events, cmd('RecordIntegrationResult', { jobId: requested.data.jobId, result: { kind: 'merged' } }));
    expect(decidePipeline(eventInput(requested), stateOf(merged))).toEqual([expect.objectContaining({ kind: 'ignore', reason: 'Superseded' })]);
  });
});

describe('a Trak that does not exist', () => {
  it('ignores anything sent to it', () => {
    expect(decidePipeline({ kind: 'result', result: { kind: 'agent-started', jobId: 'x', runnerId: 'r' } }, { status: 'Initial' })).toEqual([
      { kind: 'ignore', reason: 'Superseded', detail: 'the Trak does not exist' },
    ]);
  });
});
