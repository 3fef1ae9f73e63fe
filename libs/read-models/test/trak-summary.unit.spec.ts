import { evolve, initialState, trakDecider } from '@orkestra/domain';
import type { TrakCommand, TrakEvent, TrakState } from '@orkestra/domain';
import { trakFixtures } from '@orkestra/testing';
import { summarize } from '../src/index.js';

const { NOW, createTrak, cancel } = trakFixtures;

function stateAfter(...commands: TrakCommand[]): { state: TrakState; events: number } {
  let state = initialState();
  let events = 0;
  for (const command of commands) {
    const decided: TrakEvent[] = trakDecider.decide(command, state);
    state = decided.reduce(evolve, state);
    events += decided.length;
  }
  return { state, events };
}

describe('a Trak summary row', () => {
  it('is empty before the Trak exists', () => {
    expect(summarize(initialState(), NOW, 0)).toBeUndefined();
  });

  it('shows a new Trak queued at its first stage', () => {
    const { state, events } = stateAfter(createTrak('t-1', 'p-1'));
    expect(summarize(state, NOW, events)).toEqual({
      trakId: 't-1',
      projectId: 'p-1',
      parentId: null,
      title: 'Add a health endpoint',
      description: 'Expose /health',
      flow: 'default',
      status: 'Queued',
      stage: 'work',
      iteration: 1,
      autoMode: false,
      branch: 'ork/t-1',
      baseBranch: 'main',
      prUrl: null,
      statusDetail: null,
      attention: null,
      costUsd: 0,
      createdAt: NOW,
      updatedAt: NOW,
      streamPosition: events,
      state,
    });
  });

  it('says why a cancelled Trak stopped, and has no stage', () => {
    const { state } = stateAfter(createTrak('t-1'), cancel('superseded by t-2'));
    expect(summarize(state, NOW, 3)).toMatchObject({ status: 'Cancelled', statusDetail: 'superseded by t-2', stage: null });
  });

  it('names the Traks a dependent one waits for', () => {
    const command = createTrak('t-3');
    const { state } = stateAfter({ ...command, data: { ...command.data, dependsOn: ['t-1', 't-2'] } });
    expect(summarize(state, NOW, 1)).toMatchObject({ status: 'WaitingOnDependencies', statusDetail: 'waiting for t-1, t-2' });
  });

  it('says which runner its job waits for while none can take it, and nothing once one took it', () => {
    const runId = 't-4_a0_1';
    const scheduler = { now: NOW, actor: 'scheduler' };
    const waiting = [
      createTrak('t-4'),
      { type: 'RequestAgentRun', data: { runId }, metadata: scheduler },
      { type: 'RecordNoRunner', data: { jobId: runId, labels: ['gpu', 'big-memory'], agent: 'claudecode' }, metadata: scheduler },
    ] as TrakCommand[];
    expect(summarize(stateAfter(...waiting).state, NOW, 4)).toMatchObject({
      status: 'AgentRunning',
      statusDetail: 'waiting for a runner with labels big-memory, gpu and Claude Code: none is registered',
    });
    const started = stateAfter(...waiting, { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'gpu-box' }, metadata: scheduler }).state;
    expect(summarize(started, NOW, 5)).toMatchObject({ status: 'AgentRunning', statusDetail: null });
  });
});
