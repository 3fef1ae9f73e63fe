import { decidePipeline } from '../../src/pipeline/pipeline.decide.js';
import { humanAttention } from '../../src/trak/trak.attention.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { cmd, currentRunId, defaultFlow, historyOf, stateOf } from '../support/fixtures.js';
import { childHistory, doneTrak, eventInput, subtrakDone, subtasksOutput, trakIdOf, twoSubtasks, waitingOnChildren } from '../support/pipeline-support.js';
import { answered, artifact, gateRequested, newTrak, queuedAtWork, ran, runningAtReview, started } from '../support/scenarios.js';

const attentionAfter = (events: readonly TrakEvent[]) => humanAttention(stateOf(events));

const question = (text: string) => ({ question: text, options: [{ label: 'yes' }, { label: 'no' }] });
const autoMergeFlow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };
const prOutcome = (events: TrakEvent[], result: { kind: 'pr_opened'; url: string } | { kind: 'failed'; message: string }) =>
  historyOf(events, cmd('RequestIntegration', { jobId: 'pr-1', mode: 'pr' }), cmd('RecordIntegrationResult', { jobId: 'pr-1', result }));

describe('a Trak the machines are working on', () => {
  it.each([
    ['queued at its first stage', () => newTrak()],
    ['running an agent', () => started(newTrak())],
    ['running its gate', () => gateRequested(ran(queuedAtWork(), artifact('Implemented')))],
    ['waiting on its Subtraks', () => waitingOnChildren()],
    ['a Subtrak waiting on its sibling', () => childHistory(waitingOnChildren(), 2)],
    ['integrating', () => historyOf(doneTrak(), cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' }))],
  ])('needs nobody while %s', (_what, history) => {
    expect(attentionAfter(history())).toBeUndefined();
  });
});

describe('a Trak that has ended', () => {
  it('needs nobody once merged or cancelled', () => {
    const merged = historyOf(doneTrak(), cmd('RequestIntegration', { jobId: 'merge-1', mode: 'merge' }), cmd('RecordIntegrationResult', { jobId: 'merge-1', result: { kind: 'merged' } }));
    expect(stateOf(merged).status).toBe('Archived');
    expect(attentionAfter(merged)).toBeUndefined();
    expect(attentionAfter(historyOf(newTrak(), cmd('Cancel', { reason: 'duplicate' })))).toBeUndefined();
  });
});

describe('a Trak waiting for review', () => {
  it('needs approval of the artifact its stage produced', () => {
    expect(attentionAfter(ran(newTrak(), artifact('# Plan')))).toEqual({
      kind: 'AwaitingApproval',
      stage: 'planning',
      detail: 'Stage "planning" produced its plan: approve it, or reject it with feedback.',
    });
  });

  it('needs approval of the Subtraks its breakdown proposes', () => {
    const events = ran(historyOf(ran(newTrak(), artifact('# Plan')), cmd('Approve', {})), subtasksOutput(twoSubtasks));
    expect(attentionAfter(events)).toEqual({
      kind: 'AwaitingApproval',
      stage: 'breakdown',
      detail: 'Stage "breakdown" proposes 2 Subtraks: approve to create them, or reject with feedback.',
    });
  });

  it('needs nobody in auto mode, which approves at once', () => {
    expect(attentionAfter(ran(newTrak({ autoMode: true }), artifact('# Plan')))).toBeUndefined();
  });

  it('needs answers to the questions the agent asked', () => {
    const events = ran(newTrak(), { type: 'questions', questions: [question('Which database?'), question('Which port?')] });
    expect(attentionAfter(events)).toEqual({
      kind: 'AwaitingAnswers',
      stage: 'planning',
      detail: 'The agent at stage "planning" asked 2 questions ("Which database?", …): answer them.',
    });
  });

  it('needs answers in auto mode too once auto mode stopped answering', () => {
    let events = newTrak({ autoMode: true });
    for (let round = 0; round < 4; round++) events = ran(events, { type: 'questions', questions: [question('Really?')] });
    expect(attentionAfter(events)).toEqual({
      kind: 'AwaitingAnswers',
      stage: 'planning',
      detail: 'The agent at stage "planning" asked a question ("Really?"): answer it. Auto mode stopped answering after 3 rounds.',
    });
  });

  it("needs confirmation of a reviewing agent's rejection", () => {
    const events = answered(runningAtReview(), { type: 'approval', decision: 'reject', content: 'Tests are missing\nfor the error paths' });
    expect(attentionAfter(events)).toEqual({
      kind: 'AwaitingRejectionConfirmation',
      stage: 'review',
      detail: 'The agent at stage "review" rejected the work and asks for stage "work" again: "Tests are missing for the error paths". Approve to confirm, or skip or retry to overrule it.',
    });
  });
});

describe('a Trak that stopped', () => {
  it('needs someone after a person interrupted it', () => {
    expect(attentionAfter(historyOf(started(newTrak()), cmd('Interrupt', {})))).toEqual({
      kind: 'Interrupted',
      stage: 'planning',
      detail: 'Stopped by a person at stage "planning": retry it with a message, or skip, restart or redirect the stage.',
    });
  });

  it('needs someone when the agent reported a failure', () => {
    const events = started(newTrak());
    const failed = historyOf(events, cmd('RecordAgentRunResult', { runId: currentRunId(events), output: { type: 'failed', error: 'repository is empty' } }));
    expect(attentionAfter(failed)).toEqual({ kind: 'Failed', stage: 'planning', detail: 'The agent reported a failure: repository is empty' });
  });

  it('needs someone when blocked, with the reason and detail', () => {
    const events = started(newTrak({ flow: { ...defaultFlow, budget: { maxCostUsd: 1 } } }));
    const blocked = historyOf(events, cmd('RecordAgentRunResult', { runId: currentRunId(events), output: artifact('plan'), usage: { inputTokens: 1, outputTokens: 1, costUsd: 1.5 } }));
    expect(attentionAfter(blocked)).toEqual({
      kind: 'Blocked',
      stage: 'planning',
      blockReason: 'BudgetExceeded',
      detail: 'Budget exceeded: cost $1.50 exceeds the flow budget of $1.00',
    });
  });

  it('needs someone when a Subtrak failed, naming the Subtrak', () => {
    const parent = waitingOnChildren();
    const subtrakId = `${trakIdOf(parent)}-s1`;
    const blocked = historyOf(parent, cmd('RecordSubtrakFailed', { subtrakId, reason: 'needs DB credentials' }));
    expect(attentionAfter(blocked)).toEqual({
      kind: 'Blocked',
      stage: 'breakdown',
      blockReason: 'SubtrakFailed',
      subtrakId,
      detail: `Subtrak "Schema" (${subtrakId}) failed: needs DB credentials`,
    });
  });
});

describe('a Done Trak', () => {
  it('needs a merge decision when its flow does not merge on its own', () => {
    expect(attentionAfter(doneTrak())).toEqual({
      kind: 'AwaitingMergeDecision',
      detail: 'Every stage passed and flow "default" does not merge on its own: merge it, open a pull request, or archive it.',
    });
  });

  it.each([
    ['its flow merges on its own', () => doneTrak({ flow: autoMergeFlow })],
    ['it was created to open a pull request', () => doneTrak({ autoPr: true })],
    ['it is a Subtrak, which always merges into its parent', () => subtrakDone(childHistory(waitingOnChildren(), 1))],
  ])('needs nobody when %s', (_what, history) => {
    expect(attentionAfter(history())).toBeUndefined();
  });

  it('needs someone to merge its open pull request on the forge, then archive it', () => {
    expect(attentionAfter(prOutcome(doneTrak({ autoPr: true }), { kind: 'pr_opened', url: 'https://forge/pr/7' }))).toEqual({
      kind: 'PullRequestOpen',
      prUrl: 'https://forge/pr/7',
      detail: 'Pull request https://forge/pr/7 is open: merge it on the forge, then archive the Trak.',
    });
  });

  it('needs a decision when opening its pull request failed, even if it was meant to open one on its own', () => {
    expect(attentionAfter(prOutcome(doneTrak({ autoPr: true }), { kind: 'failed', message: 'gh: not logged in' }))).toEqual({
      kind: 'AwaitingMergeDecision',
      detail: 'Opening the pull request failed (gh: not logged in): open it again, merge instead, or archive the Trak.',
    });
  });

  it.each([
    ['a flow that does not merge on its own', () => doneTrak()],
    ['a flow that merges on its own', () => doneTrak({ flow: autoMergeFlow })],
    ['a Trak created to open a pull request', () => doneTrak({ autoPr: true })],
    ['a Subtrak', () => subtrakDone(childHistory(waitingOnChildren(), 1))],
  ])('agrees with the pipeline about who integrates %s', (_what, history) => {
    const events = history();
    const outputs = decidePipeline(eventInput(events[events.length - 1]!), stateOf(events));
    const pipelineWaits = outputs.some((o) => o.kind === 'ignore' && o.reason === 'AwaitingHuman');
    expect(attentionAfter(events) !== undefined).toBe(pipelineWaits);
  });
});
