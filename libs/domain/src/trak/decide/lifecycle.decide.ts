import { illegalTransition, validationError } from '../../shared/domain-error.js';
import type {
  Archive,
  Cancel,
  Interrupt,
  RecordIntegrationResult,
  RecordSubtrakCompleted,
  RecordSubtrakFailed,
  RequestIntegration,
} from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState } from '../trak.state.js';
import { TERMINAL_STATUSES, currentPass } from '../trak.state.js';
import { moveOnFrom, subtrakFailureDetail, queueStage, recoveryStage, requireStatus } from '../trak.rules.js';
import { requireText } from './review.decide.js';

export function interrupt(command: Interrupt, state: KnownTrakState): TrakEvent[] {
  const active = requireStatus(state, ['Queued', 'AgentRunning', 'GateRunning'], 'interrupt', 'nothing is running');
  const { stage, iteration } = active.current;
  return [
    {
      type: 'TrakInterrupted',
      data: {
        stage,
        iteration,
        at: command.metadata.now,
        ...(active.status === 'AgentRunning' && { runId: active.run.runId }),
        ...(active.status === 'GateRunning' && { gateRunId: active.gateRunId }),
      },
    },
  ];
}

export function cancel(command: Cancel, state: KnownTrakState): TrakEvent[] {
  if (TERMINAL_STATUSES.includes(state.status)) {
    throw illegalTransition(`Cannot cancel Trak ${state.trak.trakId}: it is already ${state.status}`, { status: state.status });
  }
  const activeJobId =
    state.status === 'AgentRunning' ? state.run.runId : state.status === 'GateRunning' ? state.gateRunId : state.status === 'Integrating' ? state.jobId : undefined;
  const reason = requireText(command.data.reason, 'reason');
  return [{ type: 'TrakCancelled', data: { reason, at: command.metadata.now, ...(activeJobId !== undefined && { activeJobId }) } }];
}

export function archive(command: Archive, state: KnownTrakState): TrakEvent[] {
  requireStatus(state, ['Done'], 'archive', 'only a done Trak is archived; cancel it instead');
  return [{ type: 'TrakArchived', data: { at: command.metadata.now } }];
}

// ---- Subtraks

export function recordSubtrakCompleted(command: RecordSubtrakCompleted, state: KnownTrakState): TrakEvent[] {
  const subtrak = knownSubtrak(state, command.data.subtrakId);
  // A finished or cancelled parent has nothing left to wait for.
  if (subtrak.status === 'completed' || TERMINAL_STATUSES.includes(state.status)) return [];
  const now = command.metadata.now;
  const events: TrakEvent[] = [{ type: 'SubtrakCompleted', data: { subtrakId: subtrak.trakId, at: now } }];
  const remaining = state.trak.subtraks.filter((s) => s.trakId !== subtrak.trakId && s.status !== 'completed');
  const waiting = state.status === 'WaitingOnChildren' || (state.status === 'Blocked' && state.reason === 'SubtrakFailed');
  const current = currentPass(state);
  if (waiting && remaining.length === 0 && current !== undefined) events.push(...moveOnFrom(state.trak, current.stage, now));
  return events;
}

/** A failed Subtrak blocks its parent with the Subtrak named, instead of leaving it waiting for ever. */
export function recordSubtrakFailed(command: RecordSubtrakFailed, state: KnownTrakState): TrakEvent[] {
  const subtrak = knownSubtrak(state, command.data.subtrakId);
  if (subtrak.status === 'failed' || TERMINAL_STATUSES.includes(state.status)) return [];
  const now = command.metadata.now;
  const { reason } = command.data;
  const events: TrakEvent[] = [{ type: 'SubtrakFailed', data: { subtrakId: subtrak.trakId, reason, at: now } }];
  if (state.status !== 'WaitingOnChildren') return events;
  return [
    ...events,
    {
      type: 'TrakBlocked',
      data: {
        stage: state.current.stage,
        reason: 'SubtrakFailed',
        detail: subtrakFailureDetail(subtrak, reason),
        subtrakId: subtrak.trakId,
        at: now,
      },
    },
  ];
}

function knownSubtrak(state: KnownTrakState, subtrakId: string) {
  const found = state.trak.subtraks.find((s) => s.trakId === subtrakId);
  if (found === undefined) throw validationError(`${subtrakId} is not a Subtrak of Trak ${state.trak.trakId}`, { subtrakId });
  return found;
}

// ---- Integration

export function requestIntegration(command: RequestIntegration, state: KnownTrakState): TrakEvent[] {
  requireStatus(state, ['Done'], 'integrate');
  const { jobId, mode } = command.data;
  const { trak } = state;
  if (mode === 'pr' && trak.parent !== undefined) {
    throw validationError(`Trak ${trak.trakId} is a Subtrak: it merges into its parent's branch and never opens a PR`, { mode });
  }
  if (trak.prUrl !== undefined) {
    const why = mode === 'pr' ? 'it already has a pull request' : 'it has an open pull request; merge that on the forge, then archive';
    throw illegalTransition(`Cannot integrate Trak ${trak.trakId}: ${why} (${trak.prUrl})`, { prUrl: trak.prUrl });
  }
  return [{ type: 'IntegrationRequested', data: { jobId, mode, at: command.metadata.now } }];
}

/** A merge that fails sends the Trak back to the flow's `on_failure` stage with the conflicting files. */
export function recordIntegrationResult(command: RecordIntegrationResult, state: KnownTrakState): TrakEvent[] {
  const integrating = requireStatus(state, ['Integrating'], 'record an integration result of');
  const { jobId, result } = command.data;
  if (integrating.jobId !== jobId) {
    throw illegalTransition(`Cannot record integration ${jobId} of Trak ${state.trak.trakId}: its current integration is ${integrating.jobId}`, { jobId });
  }
  const now = command.metadata.now;
  if ((result.kind === 'merged' && integrating.mode !== 'merge') || (result.kind === 'pr_opened' && integrating.mode !== 'pr')) {
    throw validationError(`Integration ${jobId} of Trak ${state.trak.trakId} was a ${integrating.mode} job and cannot report "${result.kind}"`, {
      jobId,
      mode: integrating.mode,
    });
  }
  switch (result.kind) {
    case 'merged':
      return [{ type: 'IntegrationSucceeded', data: { jobId, at: now, ...(result.mergeCommit !== undefined && { mergeCommit: result.mergeCommit }) } }];
    case 'pr_opened':
      return [{ type: 'PullRequestOpened', data: { jobId, url: result.url, at: now } }];
    case 'conflict':
    case 'failed': {
      if (integrating.mode === 'pr') return [{ type: 'PullRequestFailed', data: { jobId, error: result.message, at: now } }];
      const conflictFiles = result.kind === 'conflict' ? result.conflictFiles : [];
      return [
        { type: 'IntegrationFailed', data: { jobId, message: result.message, conflictFiles, at: now } },
        queueStage(state.trak, recoveryStage(state.trak), { kind: 'integration', message: result.message, conflictFiles }, now),
      ];
    }
  }
}

