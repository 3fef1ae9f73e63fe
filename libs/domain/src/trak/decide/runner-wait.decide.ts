import { illegalTransition } from '../../shared/domain-error.js';
import { canonicalLabels } from '../../workflow/runner-labels.js';
import type { RecordNoRunner, RecordRunnerFound } from '../trak.commands.js';
import type { TrakEvent } from '../trak.events.js';
import type { KnownTrakState, StateOf } from '../trak.state.js';
import { requireStatus } from '../trak.rules.js';

type WaitingForJob = StateOf<'AgentRunning' | 'GateRunning' | 'Integrating'>;

/**
 * The current job waits for a runner that has its labels (and agent CLI). Said once per wait: a
 * second report of the same wait, or one about a run a runner already started, records nothing.
 */
export function recordNoRunner(command: RecordNoRunner, state: KnownTrakState): TrakEvent[] {
  const waiting = requireJob(state, command.data.jobId, 'record that no runner can take the job of');
  if (waiting.runnerWait?.jobId === command.data.jobId) return [];
  if (waiting.status === 'AgentRunning' && waiting.run.runnerId !== undefined) return [];
  const { jobId, labels, agent } = command.data;
  return [{ type: 'NoRunnerFound', data: { jobId, labels: canonicalLabels(labels), at: command.metadata.now, ...(agent !== undefined && { agent }) } }];
}

/** The waiting job went out to a runner that can take it; nothing to say when it never waited. */
export function recordRunnerFound(command: RecordRunnerFound, state: KnownTrakState): TrakEvent[] {
  const { jobId } = command.data;
  if (!('runnerWait' in state) || state.runnerWait?.jobId !== jobId) return [];
  return [{ type: 'RunnerFound', data: { jobId, at: command.metadata.now } }];
}

function requireJob(state: KnownTrakState, jobId: string, action: string): WaitingForJob {
  const waiting = requireStatus(state, ['AgentRunning', 'GateRunning', 'Integrating'], action);
  const current = waiting.status === 'AgentRunning' ? waiting.run.runId : waiting.status === 'GateRunning' ? waiting.gateRunId : waiting.jobId;
  if (current !== jobId) {
    throw illegalTransition(`Cannot ${action} Trak ${state.trak.trakId}: job ${jobId} is not its current job (${current})`, { jobId, currentJobId: current });
  }
  return waiting;
}
