import { decide } from '../../src/trak/trak.decide.js';
import { evolve } from '../../src/trak/trak.evolve.js';
import type { TrakCommand } from '../../src/trak/trak.commands.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import { trakNotice } from '../../src/trak/trak.notice.js';
import type { TrakNotice } from '../../src/trak/trak.notice.js';
import type { AgentOutput } from '../../src/trak/trak.values.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { cmd, currentRunId, defaultFlow, historyOf, stateOf } from '../support/fixtures.js';
import { doneTrak, trakIdOf, waitingOnChildren } from '../support/pipeline-support.js';
import { artifact, newTrak, ran, started } from '../support/scenarios.js';

/** The notice the decision on `command` calls for, after `history`; and the history with it. */
function decision(history: readonly TrakEvent[], command: TrakCommand): { notice: TrakNotice | undefined; events: TrakEvent[] } {
  const before = stateOf(history);
  const decided = decide(command, before);
  return { notice: trakNotice(before, decided, decided.reduce(evolve, before)), events: [...history, ...decided] };
}

const noticeOf = (history: readonly TrakEvent[], command: TrakCommand) => decision(history, command).notice;

/** The running agent answers with `output`. */
const agentAnswers = (history: readonly TrakEvent[], output: AgentOutput): TrakCommand =>
  cmd('RecordAgentRunResult', { runId: currentRunId(history), output });

/** The kind of notice each command calls for in turn (`-` for none), walking from `start`. */
function noticesAlong(start: readonly TrakEvent[], ...steps: ((history: readonly TrakEvent[]) => TrakCommand)[]): string[] {
  let history = [...start];
  return steps.map((step) => {
    const { notice, events } = decision(history, step(history));
    history = events;
    return notice?.kind ?? '-';
  });
}

const question = (text: string) => ({ question: text, options: [{ label: 'yes' }, { label: 'no' }] });
const autoMergeFlow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };
const integrating = (mode: 'merge' | 'pr', autoPr = false) => historyOf(doneTrak({ autoPr }), cmd('RequestIntegration', { jobId: 'job-1', mode }));

describe('a Trak the machines are moving', () => {
  it('announces nothing while it is created, queued, started and running, and once it waits, nothing more until it moves on', () => {
    const kinds = noticesAlong(
      [],
      () => cmd('CreateTrak', { ...newTrakData() }),
      () => cmd('RequestAgentRun', { runId: 'run-1' }),
      () => cmd('RecordAgentRunStarted', { runId: 'run-1', runnerId: 'runner-a' }),
      (h) => agentAnswers(h, artifact('# Plan')),
      () => cmd('SetAutoMode', { enabled: false }),
      () => cmd('Approve', {}),
      () => cmd('RequestAgentRun', { runId: 'run-2' }),
    );
    expect(kinds).toEqual(['-', '-', '-', 'trak.needs_attention', '-', '-', '-']);
  });

  it('announces nothing while its job waits for a runner with its labels, nor when one takes it: a runner, not a person, ends the wait', () => {
    const kinds = noticesAlong(
      [],
      () => cmd('CreateTrak', { ...newTrakData() }),
      () => cmd('RequestAgentRun', { runId: 'run-1' }),
      () => cmd('RecordNoRunner', { jobId: 'run-1', labels: ['gpu'], agent: 'claudecode' }),
      () => cmd('RecordRunnerFound', { jobId: 'run-1' }),
      () => cmd('RecordAgentRunStarted', { runId: 'run-1', runnerId: 'runner-a' }),
    );
    expect(kinds).toEqual(['-', '-', '-', '-', '-']);
  });

  it('announces nothing when auto mode approves the output in the same decision that produced it', () => {
    const history = started(newTrak({ autoMode: true }));
    const { notice, events } = decision(history, agentAnswers(history, artifact('# Plan')));
    expect(events.slice(history.length).map((e) => e.type)).toEqual(['AgentRunCompleted', 'ArtifactProduced', 'StageApproved', 'StageQueued']);
    expect(notice).toBeUndefined();
  });

  it('announces nothing when auto mode answers the questions the agent just asked', () => {
    const history = started(newTrak({ autoMode: true }));
    expect(noticeOf(history, agentAnswers(history, { type: 'questions', questions: [question('Which port?')] }))).toBeUndefined();
  });

  it('announces nothing when a merge is sent back to a stage with its conflicts', () => {
    const merging = integrating('merge');
    expect(noticeOf(merging, cmd('RecordIntegrationResult', { jobId: 'job-1', result: { kind: 'conflict', message: 'conflict', conflictFiles: ['a.ts'] } }))).toBeUndefined();
  });
});

describe('a Trak that starts needing a person', () => {
  it('announces the artifact to approve, with the attention as humanAttention states it', () => {
    const history = started(newTrak());
    expect(noticeOf(history, agentAnswers(history, artifact('# Plan')))).toEqual({
      kind: 'trak.needs_attention',
      attention: { kind: 'AwaitingApproval', stage: 'planning', detail: 'Stage "planning" produced its plan: approve it, or reject it with feedback.' },
    });
  });

  it('announces the questions the agent asked', () => {
    const history = started(newTrak());
    expect(noticeOf(history, agentAnswers(history, { type: 'questions', questions: [question('Which port?')] }))).toMatchObject({
      kind: 'trak.needs_attention',
      attention: { kind: 'AwaitingAnswers', stage: 'planning' },
    });
  });

  it('announces an interrupted run', () => {
    expect(noticeOf(started(newTrak()), cmd('Interrupt', {}))).toMatchObject({ kind: 'trak.needs_attention', attention: { kind: 'Interrupted', stage: 'planning' } });
  });

  it('announces a pull request that could not be opened, which waits for a merge decision', () => {
    expect(noticeOf(integrating('pr', true), cmd('RecordIntegrationResult', { jobId: 'job-1', result: { kind: 'failed', message: 'gh: not logged in' } }))).toMatchObject({
      kind: 'trak.needs_attention',
      attention: { kind: 'AwaitingMergeDecision' },
    });
  });

  it('announces it again when it waits at another stage, after the machines had it in between', () => {
    const planned = ran(newTrak(), artifact('# Plan'));
    const kinds = noticesAlong(
      planned,
      () => cmd('Approve', {}),
      () => cmd('RequestAgentRun', { runId: 'run-b' }),
      (h) => agentAnswers(h, { type: 'questions', questions: [question('One table or two?')] }),
    );
    expect(kinds).toEqual(['-', '-', 'trak.needs_attention']);
  });
});

describe('a Trak that stops', () => {
  it('announces a failure once, with its detail', () => {
    const history = started(newTrak());
    const { notice, events } = decision(history, agentAnswers(history, { type: 'failed', error: 'repository is empty' }));
    expect(notice).toEqual({
      kind: 'trak.failed',
      attention: { kind: 'Failed', stage: 'planning', detail: 'The agent reported a failure: repository is empty' },
    });
    expect(noticeOf(events, cmd('SetAutoMode', { enabled: true }))).toBeUndefined();
  });

  it('announces Blocked with its reason and detail', () => {
    const history = started(newTrak({ flow: { ...defaultFlow, budget: { maxCostUsd: 1 } } }));
    const over = cmd('RecordAgentRunResult', { runId: currentRunId(history), output: artifact('plan'), usage: { inputTokens: 1, outputTokens: 1, costUsd: 1.5 } });
    expect(noticeOf(history, over)).toEqual({
      kind: 'trak.blocked',
      attention: { kind: 'Blocked', stage: 'planning', blockReason: 'BudgetExceeded', detail: 'Budget exceeded: cost $1.50 exceeds the flow budget of $1.00' },
    });
  });

  it('announces a parent blocked by a failed Subtrak once, not again when a second Subtrak fails while it is blocked', () => {
    const parent = waitingOnChildren();
    const id = trakIdOf(parent);
    const first = decision(parent, cmd('RecordSubtrakFailed', { subtrakId: `${id}-s1`, reason: 'needs DB credentials' }));
    expect(first.notice).toMatchObject({ kind: 'trak.blocked', attention: { kind: 'Blocked', blockReason: 'SubtrakFailed', subtrakId: `${id}-s1` } });
    expect(noticeOf(first.events, cmd('RecordSubtrakFailed', { subtrakId: `${id}-s2`, reason: 'no disk' }))).toBeUndefined();
  });

  it('announces nothing for a cancellation, which a person did', () => {
    expect(noticeOf(started(newTrak()), cmd('Cancel', { reason: 'duplicate' }))).toBeUndefined();
  });
});

describe('a Trak that finishes', () => {
  const lastApproval = (overrides: Parameters<typeof doneTrak>[0] = {}) => {
    const done = doneTrak(overrides);
    const approvedAt = done.findLastIndex((e) => e.type === 'StageApproved');
    return { history: done.slice(0, approvedAt), approve: cmd('Approve', {}) };
  };

  it('announces Done with the merge decision a person must take', () => {
    const { history, approve } = lastApproval();
    expect(noticeOf(history, approve)).toEqual({
      kind: 'trak.done',
      attention: { kind: 'AwaitingMergeDecision', detail: 'Every stage passed and flow "default" does not merge on its own: merge it, open a pull request, or archive it.' },
    });
  });

  it('announces Done without attention when its flow merges on its own', () => {
    const { history, approve } = lastApproval({ flow: autoMergeFlow });
    expect(noticeOf(history, approve)).toEqual({ kind: 'trak.done' });
  });

  it('announces the merge with its commit, and nothing when a person archives it afterwards', () => {
    const { notice } = decision(integrating('merge'), cmd('RecordIntegrationResult', { jobId: 'job-1', result: { kind: 'merged', mergeCommit: 'abc123' } }));
    expect(notice).toEqual({ kind: 'trak.integrated', integration: { how: 'merged', mergeCommit: 'abc123' } });
    expect(noticeOf(doneTrak(), cmd('Archive', {}))).toBeUndefined();
  });

  it('announces the pull request it opened, which waits to be merged on the forge', () => {
    expect(noticeOf(integrating('pr', true), cmd('RecordIntegrationResult', { jobId: 'job-1', result: { kind: 'pr_opened', url: 'https://forge/pr/7' } }))).toEqual({
      kind: 'trak.integrated',
      integration: { how: 'pr_opened', prUrl: 'https://forge/pr/7' },
      attention: { kind: 'PullRequestOpen', prUrl: 'https://forge/pr/7', detail: 'Pull request https://forge/pr/7 is open: merge it on the forge, then archive the Trak.' },
    });
  });
});

function newTrakData() {
  const [created] = newTrak();
  if (created?.type !== 'TrakCreated') throw new Error('expected TrakCreated');
  const { at: _at, initialArtifacts: _artifacts, ...data } = created.data;
  return data;
}
