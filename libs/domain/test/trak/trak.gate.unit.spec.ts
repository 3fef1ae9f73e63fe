import { trakDecider } from '../../src/trak/trak.decide.js';
import { GATE_FEEDBACK_LIMIT } from '../../src/trak/trak.rules.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, cmd, currentGateRunId, ev, historyOf, stateOf } from '../support/fixtures.js';
import { artifact, gateRequested, gateRunningAtWork, queuedAtWork, ran } from '../support/scenarios.js';

const spec = deciderSpecification(trakDecider);

function gateResult(events: ReturnType<typeof gateRunningAtWork>, exitCode: number | null, output: string, timedOut = false) {
  return cmd('RecordGateResult', { gateRunId: currentGateRunId(events), exitCode, timedOut, output });
}

describe('a Trak waiting for its gate', () => {
  it('starts the gate run it is asked for', () => {
    const events = ran(queuedAtWork(), artifact('Implemented'));
    spec(events)
      .when(cmd('RequestGateRun', { gateRunId: 'gate-x' }))
      .then([ev('GateRunRequested', { gateRunId: 'gate-x', stage: 'work', iteration: 1, at: NOW })]);
  });

  it('refuses a gate run in a stage with no gate pending', () => {
    spec(queuedAtWork()).when(cmd('RequestGateRun', { gateRunId: 'gate-x' })).thenThrows('TRAK.ILLEGAL_TRANSITION', /it is Queued at stage "work"/);
  });
});

describe('a Trak whose gate is running', () => {
  it('waits for human approval when the gate passes: a gate never skips review', () => {
    const events = gateRunningAtWork();
    spec(events)
      .when(gateResult(events, 0, 'all green'))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['GatePassed']);
        expect(state).toMatchObject({ status: 'AwaitingApproval', current: { stage: 'work' } });
      });
  });

  it('moves on to the next stage when the gate passes in auto mode', () => {
    const events = gateRunningAtWork({ autoMode: true });
    spec(events)
      .when(gateResult(events, 0, 'all green'))
      .thenState((state) => expect(state).toMatchObject({ status: 'Queued', current: { stage: 'review' } }));
  });

  it('sends the failure output back to the same stage, resuming its session', () => {
    const events = gateRunningAtWork();
    spec(events)
      .when(gateResult(events, 2, 'FAIL src/a.test.ts'))
      .then([
        ev('GateFailed', {
          stage: 'work',
          iteration: 1,
          gateRunId: currentGateRunId(events),
          exitCode: 2,
          timedOut: false,
          output: 'FAIL src/a.test.ts',
          attempt: 1,
          maxAttempts: 3,
          at: NOW,
        }),
        ev('StageQueued', {
          stage: 'work',
          iteration: 2,
          session: 'resume',
          attempts: 1,
          trigger: { kind: 'gate_failure', error: 'Gate failed with exit code 2:\nFAIL src/a.test.ts' },
          at: NOW,
        }),
      ]);
  });

  it('says so when the gate timed out', () => {
    const events = gateRunningAtWork();
    spec(events)
      .when(gateResult(events, null, 'still running', true))
      .thenState((state) => expect(state).toMatchObject({ current: { trigger: { kind: 'gate_failure', error: 'Gate timed out:\nstill running' } } }));
  });

  it('feeds back only the tail of a long output', () => {
    const events = gateRunningAtWork();
    const output = `${'x'.repeat(50_000)}THE-END`;
    spec(events)
      .when(gateResult(events, 1, output))
      .thenState((state) => {
        const trigger = state.status === 'Queued' ? state.current.trigger : undefined;
        const error = trigger?.kind === 'gate_failure' ? trigger.error : '';
        expect(error.length).toBeLessThan(GATE_FEEDBACK_LIMIT + 200);
        expect(error).toMatch(/earlier characters cut; the full output is in the logs/);
        expect(error.endsWith('THE-END')).toBe(true);
      });
  });

  it('blocks the Trak after max_attempts gate failures instead of looping for ever, keeping the artifact', () => {
    let events = gateRunningAtWork();
    for (let failure = 1; failure < 3; failure++) {
      events = historyOf(events, gateResult(events, 1, `failure ${failure}`));
      events = gateRequested(ran(events, artifact(`attempt ${failure + 1}`)));
    }
    spec(events)
      .when(gateResult(events, 1, 'failure 3'))
      .thenState((state, decided) => {
        expect(decided.map((e) => e.type)).toEqual(['GateFailed', 'TrakBlocked']);
        expect(state).toMatchObject({
          status: 'Blocked',
          reason: 'AttemptsExhausted',
          detail: 'Stage "work" failed 3 of 3 allowed attempts; last failure: Gate failed with exit code 1',
          trak: { artifacts: { summary: { content: 'attempt 3' } } },
        });
      });
  });

  it('gives a fresh allowance of attempts after a human retry', () => {
    let events = gateRunningAtWork();
    events = historyOf(events, gateResult(events, 1, 'failure'));
    expect(stateOf(events)).toMatchObject({ current: { attempts: 1 } });
    events = historyOf(events, cmd('Interrupt', {}), cmd('Retry', { message: 'try the other approach' }));
    expect(stateOf(events)).toMatchObject({ status: 'Queued', current: { attempts: 0, trigger: { kind: 'user_message' } } });
  });

  it('refuses a result for a gate run that is not the current one', () => {
    spec(gateRunningAtWork())
      .when(cmd('RecordGateResult', { gateRunId: 'stale', exitCode: 0, timedOut: false, output: '' }))
      .thenThrows('TRAK.ILLEGAL_TRANSITION', /its current gate run is/);
  });
});
