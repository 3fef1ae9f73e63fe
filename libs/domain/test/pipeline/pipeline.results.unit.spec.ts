import { decidePipeline } from '../../src/pipeline/pipeline.decide.js';
import type { JobResult, PipelineInput, Timer } from '../../src/pipeline/pipeline.types.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { FlowDefinition } from '../../src/workflow/workflow.types.js';
import { cmd, currentGateRunId, currentRunId, defaultFlow, historyOf, later, stateOf } from '../support/fixtures.js';
import {
  childHistory,
  doneTrak,
  eventInput,
  followPipeline,
  onlyOutput,
  pipelineSpec,
  resultInput,
  stamped,
  subtrakDone,
  timerInput,
  trakIdOf,
  twoSubtasks,
  waitingOnChildren,
  whenLastEvent,
} from '../support/pipeline-support.js';
import { artifact, gateResult, newTrak, queuedAtWork, ran } from '../support/scenarios.js';

const usage = { inputTokens: 1200, outputTokens: 300, costUsd: 0.04 };

/** A Trak whose planning run was requested the way the pipeline requests it (run id `<id>_a0_1`). */
const agentRunning = (): TrakEvent[] => followPipeline(newTrak());

/** A Trak whose work gate was requested the way the pipeline requests it (gate run id `<id>_g2_1`). */
const gateRunning = (): TrakEvent[] => followPipeline(ran(queuedAtWork(), artifact('Implemented it')));

/** The timer the pipeline schedules for the last event of a history. */
function scheduled(events: readonly TrakEvent[]): { timer: Timer; at: string } {
  const { timer, at } = onlyOutput(decidePipeline(eventInput(events[events.length - 1]!), stateOf(events)), 'schedule');
  return { timer, at };
}

describe('a Trak whose agent run is current', () => {
  it('records that a runner started it, with the session id the runner reported', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    pipelineSpec(events)
      .when(resultInput({ kind: 'agent-started', jobId: runId, runnerId: 'runner-7', sessionId: 'claude-1' }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'runner-7', sessionId: 'claude-1' } } }]);
  });

  it('ignores the same runner reporting the start again, as a duplicate', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    const startedOnce = historyOf(events, cmd('RecordAgentRunStarted', { runId, runnerId: 'runner-7', sessionId: 'claude-1' }));
    pipelineSpec(startedOnce).when(resultInput({ kind: 'agent-started', jobId: runId, runnerId: 'runner-7', sessionId: 'claude-1' })).thenIgnored('Duplicate');
  });

  it('records a takeover: the same runner restarted (a new life) or another runner reporting the start is recorded with it', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    const startedOnce = historyOf(events, cmd('RecordAgentRunStarted', { runId, runnerId: 'runner-7', incarnation: 'life-1', sessionId: 'claude-1' }));
    pipelineSpec(startedOnce)
      .when(resultInput({ kind: 'agent-started', jobId: runId, runnerId: 'runner-7', incarnation: 'life-2', sessionId: 'claude-2' }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'runner-7', incarnation: 'life-2', sessionId: 'claude-2' } } }]);
    pipelineSpec(startedOnce)
      .when(resultInput({ kind: 'agent-started', jobId: runId, runnerId: 'runner-8', incarnation: 'life-1' }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'runner-8', incarnation: 'life-1' } } }]);
    pipelineSpec(startedOnce).when(resultInput({ kind: 'agent-started', jobId: runId, runnerId: 'runner-7', incarnation: 'life-1', sessionId: 'claude-1' })).thenIgnored('Duplicate');
  });

  it('records the output the agent finished with, with its usage and session', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    const output = artifact('# Plan');
    pipelineSpec(events)
      .when(resultInput({ kind: 'agent-finished', jobId: runId, output, usage, sessionId: 'claude-1' }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordAgentRunResult', data: { runId, output, usage, sessionId: 'claude-1' } } }]);
  });

  it('leaves out usage and session when the runner reported none', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    pipelineSpec(events)
      .when(resultInput({ kind: 'agent-finished', jobId: runId, output: artifact('x') }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordAgentRunResult', data: { runId, output: artifact('x') } } }]);
  });

  it('records a failure with its reason, message, usage and reset time', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    pipelineSpec(events)
      .when(resultInput({ kind: 'agent-failed', jobId: runId, reason: 'RateLimited', message: '429', usage, resetAt: later(600) }))
      .then([
        {
          kind: 'command',
          trakId: trakIdOf(events),
          command: { type: 'RecordAgentRunFailure', data: { runId, reason: 'RateLimited', message: '429', usage, resetAt: later(600) } },
        },
      ]);
  });

  it('asks for commands the decider accepts, in the order a runner reports', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    const results: JobResult[] = [
      { kind: 'agent-started', jobId: runId, runnerId: 'runner-7', sessionId: 'claude-1' },
      { kind: 'agent-finished', jobId: runId, output: artifact('# Plan'), usage, sessionId: 'claude-1' },
    ];
    let history = events;
    for (const result of results) {
      const command = onlyOutput(decidePipeline(resultInput(result), stateOf(history)), 'command').command;
      history = historyOf(history, stamped(command));
    }
    expect(stateOf(history)).toMatchObject({ status: 'AwaitingApproval', trak: { usage, sessions: { planning: { sessionId: 'claude-1', hasActivity: true } } } });
  });

  it.each<[string, (runId: string) => JobResult]>([
    ['an agent result for another run', () => ({ kind: 'agent-finished', jobId: 'someone-else_a0_1', output: artifact('x') })],
    ['a gate result', (runId) => ({ kind: 'gate-finished', jobId: runId, exitCode: 0, timedOut: false, output: '' })],
    ['an integration result', (runId) => ({ kind: 'integration-finished', jobId: runId, result: { kind: 'merged' } })],
  ])('ignores %s as stale', (_what, result) => {
    const events = agentRunning();
    pipelineSpec(events).when(resultInput(result(currentRunId(events)))).thenIgnored('StaleJob');
  });
});

describe('a Trak whose earlier run was superseded by a rejection', () => {
  it('ignores the late result of the old run as stale', () => {
    const first = agentRunning();
    const oldRun = currentRunId(first);
    let events = historyOf(first, cmd('RecordAgentRunResult', { runId: oldRun, output: artifact('Plan') }), cmd('Reject', { feedback: 'again' }));
    events = followPipeline(events);
    expect(currentRunId(events)).toBe(`${trakIdOf(events)}_a0_2`);
    pipelineSpec(events).when(resultInput({ kind: 'agent-finished', jobId: oldRun, output: artifact('late') })).thenIgnored('StaleJob');
  });
});

describe('a Trak whose gate is running', () => {
  it('records the gate result', () => {
    const events = gateRunning();
    const gateRunId = currentGateRunId(events);
    pipelineSpec(events)
      .when(resultInput({ kind: 'gate-finished', jobId: gateRunId, exitCode: 2, timedOut: false, output: 'lint failed' }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordGateResult', data: { gateRunId, exitCode: 2, timedOut: false, output: 'lint failed' } } }]);
  });

  it('ignores the result of another gate run as stale', () => {
    pipelineSpec(gateRunning()).when(resultInput({ kind: 'gate-finished', jobId: 'old_g2_0', exitCode: 0, timedOut: false, output: '' })).thenIgnored('StaleJob');
  });
});

describe('a Trak being integrated', () => {
  const integrating = () => followPipeline(doneTrak({ autoPr: true }));

  it('records the integration result', () => {
    const events = integrating();
    const jobId = `${trakIdOf(events)}_i1`;
    pipelineSpec(events)
      .when(resultInput({ kind: 'integration-finished', jobId, result: { kind: 'pr_opened', url: 'https://forge/pr/1' } }))
      .then([{ kind: 'command', trakId: trakIdOf(events), command: { type: 'RecordIntegrationResult', data: { jobId, result: { kind: 'pr_opened', url: 'https://forge/pr/1' } } } }]);
  });

  it('ignores the result of another integration job as stale', () => {
    const events = integrating();
    pipelineSpec(events).when(resultInput({ kind: 'integration-finished', jobId: `${trakIdOf(events)}_i2`, result: { kind: 'merged' } })).thenIgnored('StaleJob');
  });
});

describe('a Trak backing off before its next run', () => {
  const failedOnce = (): TrakEvent[] => {
    const events = agentRunning();
    return historyOf(events, cmd('RecordAgentRunFailure', { runId: currentRunId(events), reason: 'ApiError', message: 'overloaded' }));
  };

  it('asks for the run with the derived id when the retry timer fires, and the decider accepts it at that time', () => {
    const events = failedOnce();
    const { timer, at } = scheduled(events);
    const id = trakIdOf(events);
    pipelineSpec(events)
      .when(timerInput(timer, at))
      .then([{ kind: 'command', trakId: id, command: { type: 'RequestAgentRun', data: { runId: `${id}_a0_2` } } }]);
    const outputs = decidePipeline(timerInput(timer, at), stateOf(events));
    const resumed = historyOf(events, stamped(onlyOutput(outputs, 'command').command, at));
    expect(stateOf(resumed)).toMatchObject({ status: 'AgentRunning', run: { runId: `${id}_a0_2` }, current: { iteration: 2, attempts: 1 } });
  });

  it('ignores the retry timer as stale once a person restarted the stage', () => {
    const events = failedOnce();
    const { timer, at } = scheduled(events);
    pipelineSpec(historyOf(events, cmd('Restart', { message: 'start over' }))).when(timerInput(timer, at)).thenIgnored('StaleJob');
  });
});

describe('a run deadline', () => {
  it('fails the run as timed out and stops its job while that run is still current', () => {
    const events = agentRunning();
    const runId = currentRunId(events);
    const { timer, at } = scheduled(events);
    pipelineSpec(events)
      .when(timerInput(timer, at))
      .then([
        {
          kind: 'command',
          trakId: trakIdOf(events),
          command: { type: 'RecordAgentRunFailure', data: { runId, reason: 'TimedOut', message: 'no result from any runner before the run deadline' } },
        },
        { kind: 'cancel-job', jobId: runId, reason: 'deadline passed' },
      ]);
  });

  it('asks for a failure the decider records as a timed-out attempt with a back-off', () => {
    const events = agentRunning();
    const { timer, at } = scheduled(events);
    const command = onlyOutput(decidePipeline(timerInput(timer, at), stateOf(events)), 'command').command;
    const after = historyOf(events, stamped(command, at));
    expect(after.slice(events.length).map((e) => e.type)).toEqual(['AgentRunFailed', 'StageQueued']);
    expect(stateOf(after)).toMatchObject({ status: 'Queued', current: { attempts: 1, trigger: { kind: 'agent_failure', reason: 'TimedOut' } }, notBefore: expect.any(String) });
  });

  it('is ignored as stale once the run has ended', () => {
    const events = agentRunning();
    const { timer, at } = scheduled(events);
    const finished = historyOf(events, cmd('RecordAgentRunResult', { runId: currentRunId(events), output: artifact('Plan') }));
    pipelineSpec(finished).when(timerInput(timer, at)).thenIgnored('StaleJob');
  });
});

describe('a gate deadline', () => {
  it('records the gate as timed out and stops its job while that gate run is still current', () => {
    const events = gateRunning();
    const gateRunId = currentGateRunId(events);
    const { timer, at } = scheduled(events);
    pipelineSpec(events)
      .when(timerInput(timer, at))
      .then([
        {
          kind: 'command',
          trakId: trakIdOf(events),
          command: { type: 'RecordGateResult', data: { gateRunId, exitCode: null, timedOut: true, output: 'No result from any runner before the gate deadline.' } },
        },
        { kind: 'cancel-job', jobId: gateRunId, reason: 'deadline passed' },
      ]);
  });

  it('asks for a result the decider counts as a failed gate attempt', () => {
    const events = gateRunning();
    const { timer, at } = scheduled(events);
    const command = onlyOutput(decidePipeline(timerInput(timer, at), stateOf(events)), 'command').command;
    const after = historyOf(events, stamped(command, at));
    expect(after.slice(events.length)).toEqual([
      expect.objectContaining({ type: 'GateFailed', data: expect.objectContaining({ timedOut: true, exitCode: null, attempt: 1 }) }),
      expect.objectContaining({ type: 'StageQueued', data: expect.objectContaining({ stage: 'work', trigger: { kind: 'gate_failure', error: expect.stringMatching(/^Gate timed out:/) } }) }),
    ]);
  });

  it('is ignored as stale once the gate has reported', () => {
    const events = gateRunning();
    const { timer, at } = scheduled(events);
    pipelineSpec(gateResult(events, 0, 'ok')).when(timerInput(timer, at)).thenIgnored('StaleJob');
  });
});

describe('a Trak that was just interrupted', () => {
  it('stops the running agent job', () => {
    const events = historyOf(agentRunning(), cmd('Interrupt', {}));
    whenLastEvent(events, 'TrakInterrupted').then([{ kind: 'cancel-job', jobId: `${trakIdOf(events)}_a0_1`, reason: 'interrupted' }]);
  });

  it('stops the running gate job', () => {
    const events = historyOf(gateRunning(), cmd('Interrupt', {}));
    whenLastEvent(events, 'TrakInterrupted').then([{ kind: 'cancel-job', jobId: `${trakIdOf(events)}_g2_1`, reason: 'interrupted' }]);
  });

  it('stops nothing when it was only queued', () => {
    whenLastEvent(historyOf(newTrak(), cmd('Interrupt', {})), 'TrakInterrupted').thenNothingHappened();
  });
});

describe('a Trak that was just cancelled', () => {
  it('stops its running job and completes', () => {
    const events = historyOf(agentRunning(), cmd('Cancel', { reason: 'dropped' }));
    whenLastEvent(events, 'TrakCancelled').then([{ kind: 'cancel-job', jobId: `${trakIdOf(events)}_a0_1`, reason: 'cancelled' }, { kind: 'complete' }]);
  });

  it('stops the integration job it was running', () => {
    const integrating = followPipeline(doneTrak({ autoPr: true }));
    const events = historyOf(integrating, cmd('Cancel', { reason: 'dropped' }));
    whenLastEvent(events, 'TrakCancelled').then([{ kind: 'cancel-job', jobId: `${trakIdOf(events)}_i1`, reason: 'cancelled' }, { kind: 'complete' }]);
  });

  it('only completes when nothing was running', () => {
    whenLastEvent(historyOf(newTrak(), cmd('Cancel', { reason: 'dropped' })), 'TrakCancelled').then([{ kind: 'complete' }]);
  });

  it('cancels each of its Subtraks that has not completed, failed ones included', () => {
    const three = [...twoSubtasks.map((s) => ({ ...s, dependsOn: [] })), { ...twoSubtasks[0]!, title: 'Docs' }];
    let events = waitingOnChildren(three);
    const id = trakIdOf(events);
    events = historyOf(
      events,
      cmd('RecordSubtrakCompleted', { subtrakId: `${id}-s1` }),
      cmd('RecordSubtrakFailed', { subtrakId: `${id}-s2`, reason: 'blocked' }),
      cmd('Cancel', { reason: 'scope changed' }),
    );
    const cancelChild = (child: string) => ({ kind: 'command', trakId: child, command: { type: 'Cancel', data: { reason: `parent Trak ${id} was cancelled` } } }) as const;
    whenLastEvent(events, 'TrakCancelled').then([cancelChild(`${id}-s2`), cancelChild(`${id}-s3`), { kind: 'complete' }]);
  });

  it('asks its pending Subtraks for a Cancel they accept', () => {
    const parent = waitingOnChildren();
    const cancelled = historyOf(parent, cmd('Cancel', { reason: 'scope changed' }));
    const outputs = decidePipeline(eventInput(cancelled[cancelled.length - 1]!), stateOf(cancelled));
    const toSecond = outputs.find((o) => o.kind === 'command' && o.trakId === `${trakIdOf(parent)}-s2`);
    if (toSecond?.kind !== 'command') throw new Error('no Cancel for the second Subtrak');
    const child = historyOf(childHistory(parent, 2), stamped(toSecond.command));
    expect(stateOf(child)).toMatchObject({ status: 'Cancelled', reason: `parent Trak ${trakIdOf(parent)} was cancelled` });
  });
});

describe('the same input on the same state', () => {
  const autoMergeFlow: FlowDefinition = { ...defaultFlow, integration: { ...defaultFlow.integration, autoMerge: true } };
  const lastEventOf = (events: TrakEvent[]): [TrakEvent[], PipelineInput] => [events, eventInput(events[events.length - 1]!)];

  it.each<[string, () => [TrakEvent[], PipelineInput]]>([
    ['a queued stage', () => lastEventOf(newTrak())],
    ['a requested agent run', () => lastEventOf(agentRunning())],
    ['a requested gate run', () => lastEventOf(gateRunning())],
    ['a Trak done on an auto-merging flow', () => lastEventOf(doneTrak({ flow: autoMergeFlow }))],
    ['a Subtrak done', () => lastEventOf(subtrakDone(childHistory(waitingOnChildren())))],
    ['created Subtraks', () => lastEventOf(waitingOnChildren())],
    ['a run deadline', () => {
      const events = agentRunning();
      const { timer, at } = scheduled(events);
      return [events, timerInput(timer, at)];
    }],
    ['a runner result', () => {
      const events = agentRunning();
      return [events, resultInput({ kind: 'agent-finished', jobId: currentRunId(events), output: artifact('x') })];
    }],
  ])('gives identical outputs and job ids twice for %s', (_what, setup) => {
    const [events, input] = setup();
    const first = decidePipeline(input, stateOf(events));
    const second = decidePipeline(input, stateOf([...events]));
    expect(first.length).toBeGreaterThan(0);
    expect(first.some((o) => o.kind === 'ignore')).toBe(false);
    expect(second).toEqual(first);
  });
});
