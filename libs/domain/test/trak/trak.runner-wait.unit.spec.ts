import { trakDecider } from '../../src/trak/trak.decide.js';
import { runnerWait, runnerWaitDetail } from '../../src/trak/trak.runner-wait.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, currentGateRunId, defaultFlow, ev, historyOf, later, stateOf } from '../support/fixtures.js';
import { doneTrak, trakIdOf } from '../support/pipeline-support.js';
import { gateRunningAtWork, newTrak } from '../support/scenarios.js';

const spec = deciderSpecification(trakDecider);

/** The planning run was asked for; no runner has taken it yet. */
const requested = (): TrakEvent[] => historyOf(newTrak(), cmd('RequestAgentRun', { runId: 'run-gpu' }));

const noRunner = (jobId: string, labels: readonly string[] = ['gpu', 'big-memory'], agent: 'claudecode' | undefined = 'claudecode', now = NOW) =>
  cmd('RecordNoRunner', { jobId, labels, ...(agent !== undefined && { agent }) }, now);

describe('a Trak whose agent run waits for a runner with its labels', () => {
  it('records that none is registered, with the labels in canonical form, and says so', () => {
    spec(requested())
      .when(noRunner('run-gpu', ['gpu', 'Big-Memory', 'GPU']))
      .then([ev('NoRunnerFound', { jobId: 'run-gpu', labels: ['big-memory', 'gpu'], agent: 'claudecode', at: NOW })]);

    const state = stateOf(historyOf(requested(), noRunner('run-gpu')));
    expect(state).toMatchObject({ status: 'AgentRunning', runnerWait: { jobId: 'run-gpu', labels: ['big-memory', 'gpu'], agent: 'claudecode', since: NOW } });
    expect(runnerWaitDetail(runnerWait(state)!)).toBe('waiting for a runner with labels big-memory, gpu and Claude Code: none is registered');
  });

  it('says it once per wait: a second report records nothing', () => {
    spec(historyOf(requested(), noRunner('run-gpu'))).when(noRunner('run-gpu', ['gpu', 'big-memory'], 'claudecode', later(30))).thenNothingHappened();
  });

  it('stops waiting when a runner that can take it registers and the job goes out', () => {
    const waiting = historyOf(requested(), noRunner('run-gpu'));
    spec(waiting).when(cmd('RecordRunnerFound', { jobId: 'run-gpu' })).thenState((state, events) => {
      expect(events).toEqual([ev('RunnerFound', { jobId: 'run-gpu', at: NOW })]);
      expect(state.status).toBe('AgentRunning');
      expect(runnerWait(state)).toBeUndefined();
    });
  });

  it('stops waiting when the run starts on a runner', () => {
    const events = historyOf(requested(), noRunner('run-gpu'), cmd('RecordAgentRunStarted', { runId: 'run-gpu', runnerId: 'gpu-box' }));
    expect(stateOf(events)).toMatchObject({ status: 'AgentRunning', run: { runnerId: 'gpu-box' } });
    expect(runnerWait(stateOf(events))).toBeUndefined();
  });

  it('no longer waits once a person interrupts the run', () => {
    expect(runnerWait(stateOf(historyOf(requested(), noRunner('run-gpu'), cmd('Interrupt', {}))))).toBeUndefined();
  });

  it('records nothing for a run a runner already started, nor a runner found for a job that never waited', () => {
    const running = historyOf(requested(), cmd('RecordAgentRunStarted', { runId: 'run-gpu', runnerId: 'box-1' }));
    spec(running).when(noRunner('run-gpu')).thenNothingHappened();
    spec(requested()).when(cmd('RecordRunnerFound', { jobId: 'run-gpu' })).thenNothingHappened();
  });

  it('refuses a report about a job that is not its current one, or while nothing is out', () => {
    spec(requested()).when(noRunner('run-old')).thenThrows('TRAK.ILLEGAL_TRANSITION', /job run-old is not its current job \(run-gpu\)/);
    spec(newTrak()).when(noRunner('run-gpu')).thenThrows('TRAK.ILLEGAL_TRANSITION', /record that no runner can take the job of/);
  });
});

describe('a Trak whose gate run waits for a runner', () => {
  it('says so until the gate goes out, naming only the labels when no agent CLI is needed', () => {
    const running = gateRunningAtWork();
    const gateRunId = currentGateRunId(running);
    const waiting = historyOf(running, cmd('RecordNoRunner', { jobId: gateRunId, labels: ['gpu'] }));
    expect(runnerWaitDetail(runnerWait(stateOf(waiting))!)).toBe('waiting for a runner with label gpu: none is registered');
    expect(runnerWait(stateOf(historyOf(waiting, cmd('RecordRunnerFound', { jobId: gateRunId }))))).toBeUndefined();
  });

  it('no longer waits once its result is in', () => {
    const running = gateRunningAtWork();
    const gateRunId = currentGateRunId(running);
    const events = historyOf(running, cmd('RecordNoRunner', { jobId: gateRunId, labels: ['gpu'] }), cmd('RecordGateResult', { gateRunId, exitCode: 0, timedOut: false, output: 'ok' }));
    expect(stateOf(events).status).toBe('AwaitingApproval');
    expect(runnerWait(stateOf(events))).toBeUndefined();
  });
});

describe('a Trak whose integration waits for a runner', () => {
  it('says so while Integrating', () => {
    const flow = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };
    const done = doneTrak({ flow });
    const trakId = trakIdOf(done);
    const integrating = historyOf(done, cmd('RequestIntegration', { jobId: `${trakId}_i1`, mode: 'merge' }));
    const state = stateOf(historyOf(integrating, cmd('RecordNoRunner', { jobId: `${trakId}_i1`, labels: ['linux'] })));
    expect(state).toMatchObject({ status: 'Integrating', runnerWait: { jobId: `${trakId}_i1`, labels: ['linux'] } });
  });
});

describe('the wait, said for people', () => {
  it('names the labels, the agent CLI, or both', () => {
    expect(runnerWaitDetail({ jobId: 'j', labels: ['gpu'], agent: 'opencode', since: NOW })).toBe('waiting for a runner with label gpu and OpenCode: none is registered');
    expect(runnerWaitDetail({ jobId: 'j', labels: [], agent: 'claudecode', since: NOW })).toBe('waiting for a runner with Claude Code: none is registered');
  });

  it('is absent while nothing waits', () => {
    expect(runnerWait(stateOf(requested()))).toBeUndefined();
  });
});
