import { trakDecider } from '../../src/trak/trak.decide.js';
import type { TrakEvent } from '../../src/trak/trak.events.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, currentRunId, ev, historyOf, stateOf } from '../support/fixtures.js';
import { answered, artifact, newTrak, ran, runningAtReview, started } from '../support/scenarios.js';

const spec = deciderSpecification(trakDecider);

const question = { question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }] };
const planWaiting = (): TrakEvent[] => ran(newTrak(), artifact('# Plan'));
const questionsWaiting = (): TrakEvent[] => ran(newTrak(), { type: 'questions', questions: [question, { ...question, question: 'Which port?' }] });
const rejectionWaiting = (): TrakEvent[] => {
  const events = runningAtReview();
  return answered(events, { type: 'approval', decision: 'reject', content: 'Tests are missing' });
};

describe('a Trak awaiting approval', () => {
  it('moves to the next stage in a fresh session when approved', () => {
    spec(planWaiting())
      .when(cmd('Approve', {}))
      .then([
        ev('StageApproved', { stage: 'planning', iteration: 1, by: 'human', forced: false, at: NOW }),
        ev('StageQueued', { stage: 'breakdown', iteration: 1, session: 'new', attempts: 0, at: NOW }),
      ]);
  });

  it('is done when its last stage is approved', () => {
    let events = answered(runningAtReview(), { type: 'approval', decision: 'approve', content: 'ok' });
    events = historyOf(events, cmd('Approve', {}));
    events = ran(events, artifact('Learnings'));
    spec(events).when(cmd('Approve', {})).thenState((state, decided) => {
      expect(decided.map((e) => e.type)).toEqual(['StageApproved', 'TrakDone']);
      expect(state.status).toBe('Done');
    });
  });

  it('runs the same stage again in a fresh session with the feedback when rejected', () => {
    spec(planWaiting())
      .when(cmd('Reject', { feedback: 'Cover the error cases' }))
      .then([
        ev('StageRejected', { stage: 'planning', iteration: 1, feedback: 'Cover the error cases', target: 'planning', at: NOW }),
        ev('StageQueued', {
          stage: 'planning',
          iteration: 2,
          session: 'new',
          attempts: 0,
          trigger: { kind: 'rejection', fromStage: 'planning', feedback: 'Cover the error cases' },
          at: NOW,
        }),
      ]);
  });

  it('sends a rejection to an earlier stage when asked', () => {
    const reviewed = answered(runningAtReview(), { type: 'approval', decision: 'approve', content: 'ok' });
    spec(reviewed)
      .when(cmd('Reject', { feedback: 'Missing tests', toStage: 'work' }))
      .thenState((state) =>
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work', trigger: { kind: 'rejection', fromStage: 'review', feedback: 'Missing tests' } } }),
      );
  });

  it('refuses a rejection aimed at a later stage', () => {
    spec(planWaiting())
      .when(cmd('Reject', { feedback: 'x', toStage: 'review' }))
      .thenThrows('TRAK.VALIDATION', /toStage "review" must be the current stage or an earlier one \(planning\)/);
  });

  it('refuses a rejection with blank feedback', () => {
    spec(planWaiting()).when(cmd('Reject', { feedback: '  ' })).thenThrows('TRAK.VALIDATION', /feedback must not be blank/);
  });

  it('is approved with whatever auto mode decides when auto mode is turned on', () => {
    spec(planWaiting())
      .when(cmd('SetAutoMode', { enabled: true }))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['AutoModeSet', 'StageApproved', 'StageQueued']);
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'breakdown' }, trak: { autoMode: true } });
      });
  });
});

describe('a Trak awaiting answers to its questions', () => {
  it('refuses approval: the questions must be answered first', () => {
    spec(questionsWaiting()).when(cmd('Approve', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /it is AwaitingAnswers at stage "planning"; answer its questions first/);
  });

  it('resumes the stage with the answers matched to the questions in order', () => {
    spec(questionsWaiting())
      .when(cmd('AnswerQuestions', { answers: ['Postgres', '8080'] }))
      .thenState((state, decided) => {
        expect(decided[1]).toMatchObject({
          type: 'StageQueued',
          data: {
            session: 'resume',
            trigger: { kind: 'answers', answers: [{ question: 'Which database?', answer: 'Postgres' }, { question: 'Which port?', answer: '8080' }] },
          },
        });
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'planning', iteration: 2 } });
      });
  });

  it('refuses answers that do not match the number of questions', () => {
    spec(questionsWaiting())
      .when(cmd('AnswerQuestions', { answers: ['Postgres'] }))
      .thenThrows('TRAK.VALIDATION', /asked 2 question\(s\) but 1 answer\(s\) were given/);
  });

  it('refuses a blank answer, naming the question', () => {
    spec(questionsWaiting()).when(cmd('AnswerQuestions', { answers: ['Postgres', ' '] })).thenThrows('TRAK.VALIDATION', /answers\[1\] is blank \(question: "Which port\?"\)/);
  });

  it('answers with auto mode\'s standing instruction when auto mode is turned on', () => {
    spec(questionsWaiting()).when(cmd('SetAutoMode', { enabled: true })).thenEventTypes(['AutoModeSet', 'QuestionsAnswered', 'StageQueued']);
  });
});

describe('a Trak without pending questions', () => {
  it('refuses answers', () => {
    spec(planWaiting()).when(cmd('AnswerQuestions', { answers: ['x'] })).thenThrows('TRAK.ILLEGAL_TRANSITION', /it has no pending questions/);
  });
});

describe('a Trak whose reviewer proposed a rejection', () => {
  it('confirms the rejection when approved: the target stage runs again with the feedback', () => {
    spec(rejectionWaiting())
      .when(cmd('Approve', {}))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['RejectionConfirmed', 'StageQueued']);
        expect(state).toMatchObject({
          status: 'Queued',
          current: { stage: 'work', trigger: { kind: 'rejection', fromStage: 'review', feedback: 'Tests are missing' } },
        });
      });
  });

  it('lets the human override it by skipping the review', () => {
    spec(rejectionWaiting())
      .when(cmd('Skip', { message: 'good enough' }))
      .thenState((state) => expect(state).toMatchObject({ status: 'Queued', current: { stage: 'compound' } }));
  });

  it('refuses a human Reject and says what to do instead', () => {
    spec(rejectionWaiting()).when(cmd('Reject', { feedback: 'x' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /approve to confirm the agent's rejection, or skip or retry/);
  });
});

describe('a Trak that failed, is blocked or was interrupted', () => {
  const failed = (): TrakEvent[] => {
    const events = started(newTrak());
    return historyOf(events, cmd('RecordAgentRunResult', { runId: currentRunId(events), output: { type: 'failed', error: 'boom' } }));
  };

  it('resumes the stage with the human\'s message on retry', () => {
    spec(failed())
      .when(cmd('Retry', { message: 'The repo is fine now' }))
      .then([
        ev('StageQueued', {
          stage: 'planning',
          iteration: 2,
          session: 'resume',
          attempts: 0,
          trigger: { kind: 'user_message', message: 'The repo is fine now' },
          at: NOW,
        }),
      ]);
  });

  it('restarts the stage in a fresh session', () => {
    spec(failed())
      .when(cmd('Restart', { message: 'Start over' }))
      .thenState((state, decided) => {
        expect(decided[0]).toMatchObject({ data: { session: 'new', trigger: { kind: 'restart', message: 'Start over' } } });
        expect(state.status).toBe('Queued');
      });
  });

  it('goes to another stage of the flow when sent there', () => {
    spec(failed())
      .when(cmd('SendToStage', { stage: 'work', message: 'Skip ahead' }))
      .thenState((state) =>
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'work', trigger: { kind: 'redirect', fromStage: 'planning', message: 'Skip ahead' } } }),
      );
  });

  it('refuses to be sent to a stage that is not in its flow, listing the stages', () => {
    spec(failed())
      .when(cmd('SendToStage', { stage: 'deploy', message: 'x' }))
      .thenThrows('TRAK.VALIDATION', /Stage "deploy" is not in flow "default" \(planning, breakdown, work, review, compound\)/);
  });

  it('accepts the stage as it stands and moves on when finished', () => {
    spec(failed())
      .when(cmd('Finish', {}))
      .thenState((state, decided) => {
        expect(decided[0]).toMatchObject({ type: 'StageApproved', data: { forced: true, by: 'human' } });
        expect(state).toMatchObject({ status: 'Queued', current: { stage: 'breakdown' } });
      });
  });
});

describe('a Trak whose agent is running', () => {
  it('is interrupted, naming the run to stop', () => {
    const events = started(newTrak());
    spec(events)
      .when(cmd('Interrupt', {}))
      .then([ev('TrakInterrupted', { stage: 'planning', iteration: 1, runId: currentRunId(events), at: NOW })]);
  });

  it('refuses skip, redirect and finish until it is interrupted', () => {
    const events = started(newTrak());
    spec(events).when(cmd('Skip', { message: 'x' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /it is AgentRunning at stage "planning"; interrupt it first/);
    spec(events).when(cmd('Finish', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /interrupt it first/);
  });

  it('turns auto mode on without other effects, and ignores a repeated request', () => {
    const events = started(newTrak());
    spec(events).when(cmd('SetAutoMode', { enabled: true })).thenEventTypes(['AutoModeSet']);
    spec(historyOf(events, cmd('SetAutoMode', { enabled: true }))).when(cmd('SetAutoMode', { enabled: true })).thenNothingHappened();
  });
});

describe('a Trak awaiting approval, when interrupted', () => {
  it('is refused: nothing is running', () => {
    spec(planWaiting()).when(cmd('Interrupt', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /nothing is running/);
  });
});

describe('a cancelled Trak', () => {
  it('refuses to be cancelled again', () => {
    const events = historyOf(planWaiting(), cmd('Cancel', { reason: 'not needed' }));
    expect(stateOf(events)).toMatchObject({ status: 'Cancelled', reason: 'not needed' });
    spec(events).when(cmd('Cancel', { reason: 'again' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /already Cancelled/);
  });

  it('refuses review commands', () => {
    const events = historyOf(planWaiting(), cmd('Cancel', { reason: 'not needed' }));
    spec(events).when(cmd('Approve', {})).thenThrows('TRAK.ILLEGAL_TRANSITION', /it is Cancelled/);
    spec(events).when(cmd('Retry', { message: 'x' })).thenThrows('TRAK.ILLEGAL_TRANSITION');
    spec(events).when(cmd('SetAutoMode', { enabled: true })).thenThrows('TRAK.ILLEGAL_TRANSITION', /Cannot change auto mode of Trak .*: it is Cancelled/);
  });
});
