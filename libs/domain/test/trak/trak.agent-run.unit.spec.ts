import { trakDecider } from '../../src/trak/trak.decide.js';
import { AUTO_ANSWER, MAX_AUTO_ANSWER_ROUNDS } from '../../src/trak/trak.rules.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import type { Question } from '../../src/trak/trak.values.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, currentRunId, defaultFlow, ev, historyOf, later, stage, stateOf } from '../support/fixtures.js';
import { answered, artifact, newTrak, queuedAtWork, ran, runningAtReview, started } from '../support/scenarios.js';

const spec = deciderSpecification(trakDecider);

const question: Question = { question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }] };

function resultOf(events: TrakEvent[], output: Parameters<typeof answered>[1]) {
  return cmd('RecordAgentRunResult', { runId: currentRunId(events), output, usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.01 } });
}

describe('a Trak queued at a stage', () => {
  it('starts the agent run it is asked for', () => {
    spec(newTrak())
      .when(cmd('RequestAgentRun', { runId: 'run-x' }))
      .then([ev('AgentRunRequested', { runId: 'run-x', stage: 'planning', iteration: 1, at: NOW })]);
  });

  it('waits Blocked instead when the project has spent its budget, and a retry queues the stage again', () => {
    const detail = 'cost $12.00 exceeds project p-1\'s budget of $10.00';
    spec(newTrak())
      .when(cmd('BlockOverBudget', { detail }))
      .then([ev('TrakBlocked', { stage: 'planning', reason: 'BudgetExceeded', detail: `Budget exceeded: ${detail}`, at: NOW })]);
    const blocked = historyOf(newTrak(), cmd('BlockOverBudget', { detail }));
    expect(stateOf(historyOf(blocked, cmd('Retry', { message: 'budget raised' })))).toMatchObject({ status: 'Queued', current: { stage: 'planning' } });
  });

  it('cannot be blocked over budget once its run was asked for', () => {
    const events = historyOf(newTrak(), cmd('RequestAgentRun', { runId: 'run-x' }));
    expect(() => historyOf(events, cmd('BlockOverBudget', { detail: 'spent' }))).toThrow(/block over budget/);
  });
});

describe('a Trak whose agent is running', () => {
  it('records the runner and the session id once, ignoring a repeated report', () => {
    const events = started(newTrak(), 'sess-42');
    expect(stateOf(events)).toMatchObject({ status: 'AgentRunning', run: { runnerId: 'runner-a' }, trak: { sessions: { planning: { sessionId: 'sess-42' } } } });
    spec(events).when(cmd('RecordAgentRunStarted', { runId: currentRunId(events), runnerId: 'runner-a', sessionId: 'sess-42' })).thenNothingHappened();
  });

  it('records a takeover when another runner reports that it started the run, naming the new runner and the one it took over from', () => {
    const events = started(newTrak(), 'sess-42');
    const runId = currentRunId(events);
    spec(events)
      .when(cmd('RecordAgentRunStarted', { runId, runnerId: 'runner-b', incarnation: 'life-b1', sessionId: 'sess-43' }))
      .then([ev('AgentRunStarted', { runId, runnerId: 'runner-b', incarnation: 'life-b1', at: NOW, sessionId: 'sess-43', takesOverFrom: 'runner-a' })]);
    const takenOver = historyOf(events, cmd('RecordAgentRunStarted', { runId, runnerId: 'runner-b', incarnation: 'life-b1', sessionId: 'sess-43' }));
    expect(stateOf(takenOver)).toMatchObject({ status: 'AgentRunning', run: { runId, runnerId: 'runner-b', incarnation: 'life-b1' }, trak: { sessions: { planning: { sessionId: 'sess-43' } } } });
  });

  it('records a takeover by the same runner in a new life (restarted), and ignores a repeat from that life', () => {
    const events = historyOf(newTrak(), cmd('RequestAgentRun', { runId: 'run-r' }), cmd('RecordAgentRunStarted', { runId: 'run-r', runnerId: 'runner-a', incarnation: 'life-1' }));
    spec(events)
      .when(cmd('RecordAgentRunStarted', { runId: 'run-r', runnerId: 'runner-a', incarnation: 'life-2' }))
      .then([ev('AgentRunStarted', { runId: 'run-r', runnerId: 'runner-a', incarnation: 'life-2', at: NOW, takesOverFrom: 'runner-a' })]);
    const restarted = historyOf(events, cmd('RecordAgentRunStarted', { runId: 'run-r', runnerId: 'runner-a', incarnation: 'life-2' }));
    spec(restarted).when(cmd('RecordAgentRunStarted', { runId: 'run-r', runnerId: 'runner-a', incarnation: 'life-2' })).thenNothingHappened();
  });

  it('refuses a result for a run that is not the current one', () => {
    spec(started(newTrak()))
      .when(cmd('RecordAgentRunResult', { runId: 'old-run', output: artifact('late') }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', /run old-run is not its current run/);
  });

  describe('and it produces the stage artifact', () => {
    it('waits for approval when the stage has no gate, storing the artifact and usage', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'artifact', content: '# Plan', activityLog: '- planned', resources: [{ name: 'spec', url: 'https://x' }] }))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'ArtifactProduced']);
          expect(state).toMatchObject({
            status: 'AwaitingApproval',
            trak: {
              artifacts: { plan: { content: '# Plan', stage: 'planning', iteration: 1 } },
              activityLogs: { planning: '- planned' },
              resources: [{ name: 'spec', url: 'https://x' }],
              usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.01 },
              sessions: { planning: { hasActivity: true } },
            },
          });
        });
    });

    it('waits for its script gate when the stage has one', () => {
      const events = started(queuedAtWork());
      spec(events).when(resultOf(events, artifact('done'))).thenState((state) => expect(state.status).toBe('AwaitingGate'));
    });

    it('is approved and moves to the next stage at once in auto mode', () => {
      const events = started(newTrak({ autoMode: true }));
      spec(events)
        .when(resultOf(events, artifact('# Plan')))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'ArtifactProduced', 'StageApproved', 'StageQueued']);
          expect(decided[2]).toMatchObject({ data: { by: 'auto' } });
          expect(state).toMatchObject({ status: 'Queued', current: { stage: 'breakdown', iteration: 1 } });
        });
    });
  });

  describe('and the agent asks questions', () => {
    it('waits for a human to answer them', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'questions', questions: [question] }))
        .thenState((state) => expect(state).toMatchObject({ status: 'AwaitingAnswers', questions: [question] }));
    });

    it('treats an empty list of questions as malformed output', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'questions', questions: [] }))
        .thenEventTypes(['AgentRunCompleted', 'OutputMalformed', 'StageQueued']);
    });

    it('answers them itself in auto mode and resumes the same session', () => {
      const events = started(newTrak({ autoMode: true }));
      spec(events)
        .when(resultOf(events, { type: 'questions', questions: [question] }))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'QuestionsAsked', 'QuestionsAnswered', 'StageQueued']);
          expect(decided[3]).toMatchObject({
            data: { stage: 'planning', iteration: 2, session: 'resume', trigger: { kind: 'answers', answers: [{ question: 'Which database?', answer: AUTO_ANSWER }] } },
          });
          expect(state.status).toBe('Queued');
        });
    });

    it(`stops answering in auto mode after ${MAX_AUTO_ANSWER_ROUNDS} rounds and waits for a human`, () => {
      let events = newTrak({ autoMode: true });
      for (let round = 0; round < MAX_AUTO_ANSWER_ROUNDS; round++) events = ran(events, { type: 'questions', questions: [question] });
      expect(stateOf(events).status).toBe('Queued');
      events = started(events);
      spec(events)
        .when(resultOf(events, { type: 'questions', questions: [question] }))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'QuestionsAsked', 'AutoAnswerLimitReached']);
          expect(state.status).toBe('AwaitingAnswers');
        });
    });
  });

  describe('and the stage is an agent gate (review)', () => {
    it('stores an approving verdict as the artifact and waits for the human', () => {
      const events = runningAtReview();
      spec(events)
        .when(resultOf(events, { type: 'approval', decision: 'approve', content: 'Looks good' }))
        .thenState((state) => expect(state).toMatchObject({ status: 'AwaitingApproval', trak: { artifacts: { verdict: { content: 'Looks good' } } } }));
    });

    it('proposes a rejection back to the previous stage when no route is given', () => {
      const events = runningAtReview();
      spec(events)
        .when(resultOf(events, { type: 'approval', decision: 'reject', content: 'Tests are missing' }))
        .thenState((state) =>
          expect(state).toMatchObject({ status: 'AwaitingRejectionConfirmation', rejection: { target: 'work', feedback: 'Tests are missing' } }),
        );
    });

    it('routes a rejection to the earlier stage it names', () => {
      const events = runningAtReview();
      spec(events)
        .when(resultOf(events, { type: 'approval', decision: 'reject', content: 'Wrong plan', routeTo: 'planning' }))
        .thenState((state) => expect(state).toMatchObject({ rejection: { target: 'planning' } }));
    });

    it('treats a route to a later stage as malformed output and runs the review again', () => {
      const events = runningAtReview();
      spec(events)
        .when(resultOf(events, { type: 'approval', decision: 'reject', content: 'x', routeTo: 'compound' }))
        .thenState((state, decided) => {
          expect(decided[1]).toMatchObject({
            type: 'OutputMalformed',
            data: { error: 'route_to "compound" must name an earlier stage (planning, breakdown, work)', attempt: 1, maxAttempts: 5 },
          });
          expect(state).toMatchObject({ status: 'Queued', current: { stage: 'review', attempts: 1, trigger: { kind: 'malformed_output' } } });
        });
    });

    it('sends the rejection straight back in auto mode, in a fresh session', () => {
      const events = runningAtReview({ autoMode: false });
      const auto = historyOf(events, cmd('SetAutoMode', { enabled: true }));
      spec(auto)
        .when(resultOf(auto, { type: 'approval', decision: 'reject', content: 'Tests are missing' }))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'RejectionProposed', 'RejectionConfirmed', 'StageQueued']);
          expect(decided[3]).toMatchObject({ data: { stage: 'work', session: 'new', trigger: { kind: 'rejection', fromStage: 'review', feedback: 'Tests are missing' } } });
          expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work' } });
        });
    });

    it('treats a plain artifact from a verdict stage as malformed output', () => {
      const events = runningAtReview();
      spec(events).when(resultOf(events, artifact('prose'))).thenEventTypes(['AgentRunCompleted', 'OutputMalformed', 'StageQueued']);
    });
  });

  describe('and the output is malformed (including prose with no structured block)', () => {
    it('runs the stage again, resuming the session with the error', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'malformed', error: 'no structured output found' }))
        .thenState((state, decided) => {
          expect(decided[2]).toMatchObject({
            type: 'StageQueued',
            data: { stage: 'planning', iteration: 2, session: 'resume', attempts: 1, trigger: { kind: 'malformed_output', attempt: 1, maxAttempts: 5 } },
          });
          expect(state.status).toBe('Queued');
        });
    });

    it('never treats prose as an approval: nothing waits for review', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'malformed', error: 'plain text' }))
        .thenState((state) => expect(state.status).not.toBe('AwaitingApproval'));
    });

    it('blocks the Trak when the stage has used all its attempts, keeping its work', () => {
      const flow = { ...defaultFlow, stages: [stage('planning', { artifact: 'plan', maxAttempts: 2 }), ...defaultFlow.stages.slice(1)] };
      let events = ran(newTrak({ flow }), { type: 'malformed', error: 'bad json' });
      events = started(events);
      spec(events)
        .when(resultOf(events, { type: 'malformed', error: 'still bad json' }))
        .thenState((state, decided) => {
          expect(decided.map((e) => e.type)).toEqual(['AgentRunCompleted', 'OutputMalformed', 'TrakBlocked']);
          expect(state).toMatchObject({
            status: 'Blocked',
            reason: 'AttemptsExhausted',
            detail: 'Stage "planning" failed 2 of 2 allowed attempts; last failure: malformed output: still bad json',
            current: { stage: 'planning' },
          });
        });
    });
  });

  describe('and the agent reports it failed or is blocked', () => {
    it('moves to Failed with the agent\'s error', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'failed', error: 'repository is empty' }))
        .thenState((state) => expect(state).toMatchObject({ status: 'Failed', error: 'The agent reported a failure: repository is empty', current: { stage: 'planning' } }));
    });

    it('moves to Blocked with the agent\'s reason', () => {
      const events = started(newTrak());
      spec(events)
        .when(resultOf(events, { type: 'blocked', reason: 'needs credentials' }))
        .thenState((state) => expect(state).toMatchObject({ status: 'Blocked', reason: 'AgentBlocked', detail: 'needs credentials' }));
    });
  });

  describe('and the flow has a budget', () => {
    it('blocks the Trak once the budget is crossed, keeping the run\'s output in the log', () => {
      const events = started(newTrak({ flow: { ...defaultFlow, budget: { maxCostUsd: 1 } } }));
      spec(events)
        .when(cmd('RecordAgentRunResult', { runId: currentRunId(events), output: artifact('plan'), usage: { inputTokens: 1, outputTokens: 1, costUsd: 1.5 } }))
        .thenState((state, decided) => {
          expect(decided[0]).toMatchObject({ type: 'AgentRunCompleted', data: { output: artifact('plan') } });
          expect(state).toMatchObject({ status: 'Blocked', reason: 'BudgetExceeded', detail: 'Budget exceeded: cost $1.50 exceeds the flow budget of $1.00' });
        });
    });

    it('counts tokens against a token budget', () => {
      const events = started(newTrak({ flow: { ...defaultFlow, budget: { maxTokens: 100 } } }));
      spec(events)
        .when(cmd('RecordAgentRunFailure', { runId: currentRunId(events), reason: 'Exited', message: 'exit 1', usage: { inputTokens: 90, outputTokens: 20, costUsd: 0 } }))
        .thenState((state) => expect(state).toMatchObject({ status: 'Blocked', reason: 'BudgetExceeded', detail: 'Budget exceeded: 110 tokens exceed the flow budget of 100' }));
    });
  });
});

describe('a Trak whose agent run failed', () => {
  function failure(events: TrakEvent[], reason: Parameters<typeof cmd<'RecordAgentRunFailure'>>[1]['reason'], extra: { resetAt?: string } = {}) {
    return cmd('RecordAgentRunFailure', { runId: currentRunId(events), reason, message: `${reason} happened`, ...extra });
  }

  it('retries a crashed agent after a backoff, resuming the session and counting the attempt', () => {
    const events = answered(started(newTrak()), { type: 'questions', questions: [question] });
    const resumed = started(historyOf(events, cmd('AnswerQuestions', { answers: ['Postgres'] })));
    spec(resumed)
      .when(failure(resumed, 'Exited'))
      .thenState((state, decided) => {
        expect(decided[1]).toMatchObject({
          type: 'StageQueued',
          data: { session: 'resume', attempts: 1, notBefore: later(10), trigger: { kind: 'agent_failure', reason: 'Exited' } },
        });
        expect(state).toMatchObject({ status: 'Queued', notBefore: later(10) });
      });
  });

  it('doubles the backoff with each failure up to five minutes', () => {
    let events = started(newTrak());
    const delays: string[] = [];
    for (let n = 1; n <= 4; n++) {
      events = historyOf(events, failure(events, 'ApiError'));
      const state = stateOf(events);
      if (state.status !== 'Queued') throw new Error(state.status);
      delays.push(state.notBefore ?? '');
      events = historyOf(events, cmd('RequestAgentRun', { runId: `retry-${n}` }, state.notBefore));
    }
    expect(delays).toEqual([later(10), later(20), later(40), later(80)]);
  });

  it('refuses to start the retry before its backoff ends, and starts it after', () => {
    const first = started(newTrak());
    const events = historyOf(first, failure(first, 'Exited'));
    spec(events)
      .when(cmd('RequestAgentRun', { runId: 'run-retry' }, later(5)))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', /before 2026-11-24T10:00:10.000Z: stage "planning" is backing off/);
    spec(events).when(cmd('RequestAgentRun', { runId: 'run-retry' }, later(10))).thenEventTypes(['AgentRunRequested']);
  });

  it('waits for the reported reset time after a rate limit without counting an attempt', () => {
    const events = started(newTrak());
    spec(events)
      .when(failure(events, 'RateLimited', { resetAt: later(3600) }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Queued', notBefore: later(3600), current: { attempts: 0 } }));
  });

  it('runs again at once when its runner was lost, without counting an attempt', () => {
    const events = started(newTrak());
    spec(events)
      .when(failure(events, 'Lost'))
      .thenState((state) => {
        expect(state).toMatchObject({ status: 'Queued', current: { attempts: 0 } });
        expect(state).not.toHaveProperty('notBefore');
      });
  });

  it('fails the Trak when the worktree could not be set up, so a human can look', () => {
    const events = started(newTrak());
    spec(events)
      .when(failure(events, 'SetupFailed'))
      .thenState((state) => expect(state).toMatchObject({ status: 'Failed', error: 'SetupFailed: SetupFailed happened' }));
  });

  it('blocks the Trak when a stage keeps crashing past max_attempts', () => {
    const flow = { ...defaultFlow, stages: [stage('planning', { artifact: 'plan', maxAttempts: 1 }), ...defaultFlow.stages.slice(1)] };
    const events = started(newTrak({ flow }));
    spec(events)
      .when(failure(events, 'TimedOut'))
      .thenState((state) => expect(state).toMatchObject({ status: 'Blocked', reason: 'AttemptsExhausted' }));
  });
});
