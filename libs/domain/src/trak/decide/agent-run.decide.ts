import { illegalTransition } from '../../shared/domain-error.js';
import type { BlockOverBudget, RecordAgentRunFailure, RecordAgentRunResult, RecordAgentRunStarted, RequestAgentRun } from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState, StateOf } from '../trak.state.js';
import { addMs, backoffMs, budgetExceeded, failAttempt, queueStage, requireStatus, sameRunner } from '../trak.rules.js';
import { addUsage, NO_USAGE } from '../trak.values.js';
import { decideOutput } from './agent-output.decide.js';
import { evolve } from '../trak.evolve.js';

export function requestAgentRun(command: RequestAgentRun, state: KnownTrakState): TrakEvent[] {
  const queued = requireStatus(state, ['Queued'], 'start an agent run for');
  const now = command.metadata.now;
  if (queued.notBefore !== undefined && Date.parse(now) < Date.parse(queued.notBefore)) {
    throw illegalTransition(
      `Cannot start an agent run for Trak ${state.trak.trakId} before ${queued.notBefore}: stage "${queued.current.stage}" is backing off`,
      { notBefore: queued.notBefore },
    );
  }
  const { stage, iteration } = queued.current;
  return [{ type: 'AgentRunRequested', data: { runId: command.data.runId, stage, iteration, at: now } }];
}

export function blockOverBudget(command: BlockOverBudget, state: KnownTrakState): TrakEvent[] {
  const queued = requireStatus(state, ['Queued'], 'block over budget');
  return [budgetBlock(queued.current.stage, command.data.detail, command.metadata.now)];
}

export function recordAgentRunStarted(command: RecordAgentRunStarted, state: KnownTrakState): TrakEvent[] {
  const running = currentRun(state, command.data.runId, 'record the start of an agent run of');
  const { runId, runnerId, incarnation, sessionId } = command.data;
  // A repeated report from the same life of the same runner is a duplicate delivery.
  if (sameRunner(running.run, command.data)) return [];
  // Any other start is a takeover: another runner, or this one restarted, carries the run on.
  const takesOverFrom = running.run.runnerId;
  return [
    {
      type: 'AgentRunStarted',
      data: {
        runId,
        runnerId,
        ...(incarnation !== undefined && { incarnation }),
        at: command.metadata.now,
        ...(sessionId !== undefined && { sessionId }),
        ...(takesOverFrom !== undefined && { takesOverFrom }),
      },
    },
  ];
}

export function recordAgentRunResult(command: RecordAgentRunResult, state: KnownTrakState): TrakEvent[] {
  const running = currentRun(state, command.data.runId, 'record the result of an agent run of');
  const { runId, output, sessionId } = command.data;
  const usage = command.data.usage ?? NO_USAGE;
  const now = command.metadata.now;
  const { stage, iteration } = running.current;
  const completed: TrakEvent = {
    type: 'AgentRunCompleted',
    data: { runId, stage, iteration, output, usage, at: now, ...(sessionId !== undefined && { sessionId }) },
  };
  const overBudget = budgetExceeded(running.trak.flow.budget, addUsage(running.trak.usage, usage));
  if (overBudget !== undefined) return [completed, budgetBlock(stage, overBudget, now)];
  // Follow-ups are decided on the state with the completion applied: the session now has activity.
  const afterRun = evolve(running, completed) as StateOf<'AgentRunning'>;
  return [completed, ...decideOutput(afterRun, output, runId, now)];
}

export function recordAgentRunFailure(command: RecordAgentRunFailure, state: KnownTrakState): TrakEvent[] {
  const running = currentRun(state, command.data.runId, 'record the failure of an agent run of');
  const { runId, reason, message, resetAt } = command.data;
  const usage = command.data.usage ?? NO_USAGE;
  const now = command.metadata.now;
  const { trak, current } = running;
  const failed: TrakEvent = {
    type: 'AgentRunFailed',
    data: {
      runId,
      stage: current.stage,
      iteration: current.iteration,
      reason,
      message,
      usage,
      at: now,
      ...(resetAt !== undefined && { resetAt }),
    },
  };
  const overBudget = budgetExceeded(trak.flow.budget, addUsage(trak.usage, usage));
  if (overBudget !== undefined) return [failed, budgetBlock(current.stage, overBudget, now)];

  const trigger = { kind: 'agent_failure' as const, reason, message };
  switch (reason) {
    // Not the agent's fault: wait and run again without counting an attempt.
    case 'RateLimited':
      return [failed, queueStage(trak, current.stage, trigger, now, {
        attempts: current.attempts,
        notBefore: resetAt ?? addMs(now, backoffMs(current.attempts + 1)),
      })];
    case 'Lost':
      return [failed, queueStage(trak, current.stage, trigger, now, { attempts: current.attempts })];
    // The worktree or the CLI could not be prepared: a human must look; a retry prepares it again.
    case 'SetupFailed':
    case 'SpawnFailed':
      return [failed, { type: 'TrakFailed', data: { stage: current.stage, error: `${reason}: ${message}`, at: now } }];
    case 'Exited':
    case 'TimedOut':
    case 'Stalled':
    case 'ApiError':
      return [failed, ...failAttempt(trak, current, trigger, now, { backoff: true, summary: `agent ${reason}: ${message}` })];
  }
}

function currentRun(state: KnownTrakState, runId: string, action: string): StateOf<'AgentRunning'> {
  const running = requireStatus(state, ['AgentRunning'], action);
  if (running.run.runId !== runId) {
    throw illegalTransition(
      `Cannot ${action} Trak ${state.trak.trakId}: run ${runId} is not its current run (${running.run.runId})`,
      { runId, currentRunId: running.run.runId },
    );
  }
  return running;
}

function budgetBlock(stage: string, detail: string, now: string): TrakEvent {
  return { type: 'TrakBlocked', data: { stage, reason: 'BudgetExceeded', detail: `Budget exceeded: ${detail}`, at: now } };
}
