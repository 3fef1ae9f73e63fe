import { illegalTransition, validationError } from '../../shared/domain-error.js';
import type { Approve, Finish, Reject, Restart, Retry, SendToStage, SetAutoMode, Skip } from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState } from '../trak.state.js';
import { BYPASSABLE_STATUSES, TERMINAL_STATUSES, currentPass } from '../trak.state.js';
import { advance, earlierStages, moveOnFrom, queueStage, requireCurrent, requireStatus, stageIndex } from '../trak.rules.js';
import { autoAnswer } from './questions.decide.js';

export function approve(command: Approve, state: KnownTrakState): TrakEvent[] {
  const now = command.metadata.now;
  const waiting = requireStatus(
    state,
    ['AwaitingApproval', 'AwaitingRejectionConfirmation'],
    'approve',
    state.status === 'AwaitingAnswers' ? 'answer its questions first' : undefined,
  );
  const { trak, current } = waiting;
  if (waiting.status === 'AwaitingRejectionConfirmation') {
    // Approving an agent's rejection confirms it: the target stage runs again with the feedback.
    const { target, feedback } = waiting.rejection;
    return [
      { type: 'RejectionConfirmed', data: { stage: current.stage, iteration: current.iteration, target, feedback, auto: false, at: now } },
      queueStage(trak, target, { kind: 'rejection', fromStage: current.stage, feedback }, now),
    ];
  }
  return [
    { type: 'StageApproved', data: { stage: current.stage, iteration: current.iteration, by: 'human', forced: false, at: now } },
    ...advance(trak, current, waiting.proposal, now),
  ];
}

/** The human rejects the stage's output: the same stage, or an earlier one, runs again in a fresh session with the feedback. */
export function reject(command: Reject, state: KnownTrakState): TrakEvent[] {
  const waiting = requireStatus(state, ['AwaitingApproval'], 'reject', rejectHint(state));
  const { trak, current } = waiting;
  const feedback = requireText(command.data.feedback, 'feedback');
  const target = command.data.toStage ?? current.stage;
  const allowed = [...earlierStages(trak, current.stage), current.stage];
  if (!allowed.includes(target)) {
    throw validationError(`toStage "${target}" must be the current stage or an earlier one (${allowed.join(', ')})`, { field: 'toStage', toStage: target });
  }
  const now = command.metadata.now;
  return [
    { type: 'StageRejected', data: { stage: current.stage, iteration: current.iteration, feedback, target, at: now } },
    queueStage(trak, target, { kind: 'rejection', fromStage: current.stage, feedback }, now),
  ];
}

/** Resumes the current stage's session with the human's message; a fresh allowance of attempts. */
export function retry(command: Retry, state: KnownTrakState): TrakEvent[] {
  const waiting = requireStatus(
    state,
    ['AwaitingApproval', 'AwaitingAnswers', 'AwaitingRejectionConfirmation', 'Interrupted', 'Failed', 'Blocked'],
    'retry',
  );
  if (waiting.status === 'Blocked' && waiting.reason === 'SubtrakFailed') {
    throw illegalTransition(
      `Cannot retry Trak ${state.trak.trakId}: it is blocked by its failed Subtrak ${waiting.subtrakId ?? ''}; retry that Subtrak and this Trak resumes when it completes`,
      { trakId: state.trak.trakId, subtrakId: waiting.subtrakId },
    );
  }
  const current = requireCurrent(state, 'retry');
  const message = requireText(command.data.message, 'message');
  return [queueStage(state.trak, current.stage, { kind: 'user_message', message }, command.metadata.now)];
}

export function skip(command: Skip, state: KnownTrakState): TrakEvent[] {
  const { current } = bypassable(state, 'skip the stage of');
  const now = command.metadata.now;
  return [
    { type: 'StageSkipped', data: { stage: current.stage, iteration: current.iteration, message: command.data.message, at: now } },
    ...moveOnFrom(state.trak, current.stage, now),
  ];
}

export function sendToStage(command: SendToStage, state: KnownTrakState): TrakEvent[] {
  const from = state.status === 'Done' ? 'done' : bypassable(state, 'send to another stage').current.stage;
  const { stage, message } = command.data;
  if (stageIndex(state.trak, stage) === -1) {
    const names = state.trak.flow.stages.map((s) => s.name).join(', ');
    throw validationError(`Stage "${stage}" is not in flow "${state.trak.flow.name}" (${names})`, { field: 'stage', stage });
  }
  return [queueStage(state.trak, stage, { kind: 'redirect', fromStage: from, message }, command.metadata.now)];
}

export function restart(command: Restart, state: KnownTrakState): TrakEvent[] {
  const { current } = bypassable(state, 'restart the stage of');
  const message = requireText(command.data.message, 'message');
  return [queueStage(state.trak, current.stage, { kind: 'restart', message }, command.metadata.now)];
}

/** Accepts the current stage as it stands (keeping whatever it produced) and moves on. */
export function finish(command: Finish, state: KnownTrakState): TrakEvent[] {
  const { current } = bypassable(state, 'finish the stage of');
  const now = command.metadata.now;
  const proposal = state.status === 'AwaitingApproval' ? state.proposal : undefined;
  return [
    { type: 'StageApproved', data: { stage: current.stage, iteration: current.iteration, by: 'human', forced: true, at: now } },
    ...advance(state.trak, current, proposal, now),
  ];
}

/** Turning auto mode on also settles whatever the Trak is waiting for right now. */
export function setAutoMode(command: SetAutoMode, state: KnownTrakState): TrakEvent[] {
  if (TERMINAL_STATUSES.includes(state.status)) {
    throw illegalTransition(`Cannot change auto mode of Trak ${state.trak.trakId}: it is ${state.status}`, { status: state.status });
  }
  const { enabled } = command.data;
  if (state.trak.autoMode === enabled) return [];
  const now = command.metadata.now;
  const events: TrakEvent[] = [{ type: 'AutoModeSet', data: { enabled, at: now } }];
  if (!enabled) return events;
  const trak = { ...state.trak, autoMode: true };
  switch (state.status) {
    case 'AwaitingApproval':
      return [
        ...events,
        { type: 'StageApproved', data: { stage: state.current.stage, iteration: state.current.iteration, by: 'auto', forced: false, at: now } },
        ...advance(trak, state.current, state.proposal, now),
      ];
    case 'AwaitingAnswers':
      return [...events, ...autoAnswer(trak, state.current, state.questions, now)];
    case 'AwaitingRejectionConfirmation': {
      const { target, feedback } = state.rejection;
      const { stage, iteration } = state.current;
      return [
        ...events,
        { type: 'RejectionConfirmed', data: { stage, iteration, target, feedback, auto: true, at: now } },
        queueStage(trak, target, { kind: 'rejection', fromStage: stage, feedback }, now),
      ];
    }
    default:
      return events;
  }
}


function bypassable(state: KnownTrakState, action: string) {
  requireStatus(state, BYPASSABLE_STATUSES, action, state.status === 'AgentRunning' || state.status === 'GateRunning' ? 'interrupt it first' : undefined);
  return { current: requireCurrent(state, action) };
}

function rejectHint(state: KnownTrakState): string | undefined {
  if (state.status === 'AwaitingAnswers') return 'answer its questions instead';
  if (state.status === 'AwaitingRejectionConfirmation') return 'approve to confirm the agent\'s rejection, or skip or retry to override it';
  return currentPass(state) === undefined ? undefined : 'there is no output waiting for review';
}

export function requireText(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw validationError(`${field} must not be blank`, { field });
  return trimmed;
}
