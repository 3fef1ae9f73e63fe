import { illegalTransition } from '../../shared/domain-error.js';
import type { RecordGateResult, RequestGateRun } from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState } from '../trak.state.js';
import { GATE_FEEDBACK_LIMIT, advance, failAttempt, keepTail, requireStatus, stageDefinition } from '../trak.rules.js';

export function requestGateRun(command: RequestGateRun, state: KnownTrakState): TrakEvent[] {
  const awaiting = requireStatus(state, ['AwaitingGate'], 'start a gate run for');
  const { stage, iteration } = awaiting.current;
  return [{ type: 'GateRunRequested', data: { gateRunId: command.data.gateRunId, stage, iteration, at: command.metadata.now } }];
}

/**
 * A passing gate leads to review (or straight on in auto mode); passing a gate never skips the
 * human. A failing one sends its output tail back to the same stage, within `max_attempts`.
 */
export function recordGateResult(command: RecordGateResult, state: KnownTrakState): TrakEvent[] {
  const running = requireStatus(state, ['GateRunning'], 'record a gate result of');
  const { gateRunId, exitCode, timedOut } = command.data;
  if (running.gateRunId !== gateRunId) {
    throw illegalTransition(`Cannot record gate run ${gateRunId} of Trak ${state.trak.trakId}: its current gate run is ${running.gateRunId}`, {
      gateRunId,
      currentGateRunId: running.gateRunId,
    });
  }
  const { trak, current } = running;
  const now = command.metadata.now;
  const ref = { stage: current.stage, iteration: current.iteration, gateRunId, at: now };
  const output = keepTail(command.data.output, GATE_FEEDBACK_LIMIT);

  if (exitCode === 0 && !timedOut) {
    const passed: TrakEvent = { type: 'GatePassed', data: { ...ref, output } };
    if (!trak.autoMode) return [passed];
    return [
      passed,
      { type: 'StageApproved', data: { stage: current.stage, iteration: current.iteration, by: 'auto', forced: false, at: now } },
      ...advance(trak, current, undefined, now),
    ];
  }

  const maxAttempts = stageDefinition(trak, current.stage).maxAttempts;
  const headline = timedOut ? 'Gate timed out' : `Gate failed with exit code ${exitCode ?? 'unknown'}`;
  return [
    { type: 'GateFailed', data: { ...ref, exitCode, timedOut, output, attempt: current.attempts + 1, maxAttempts } },
    ...failAttempt(trak, current, { kind: 'gate_failure', error: `${headline}:\n${output}` }, now, { backoff: false, summary: headline }),
  ];
}
