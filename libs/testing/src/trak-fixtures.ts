import { trakStreamMetadata } from '@orkestra/application';
import type { HandleResult, TrakCommands } from '@orkestra/application';
import type { AgentFailureReason, AgentOutput, FlowDefinition, PendingCommand, TrakCommand, TrakState, Usage } from '@orkestra/domain';

export const NOW = '2026-11-24T10:00:00.000Z';

const flow: FlowDefinition = {
  name: 'default',
  stages: [{ name: 'work', artifact: 'summary', prompt: 'work.md', agent: { kind: 'claudecode' }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 600 }],
  integration: { onFailure: 'work', autoMerge: false },
};

/** One stage whose artifact goes through a script gate (`npm test`) before review, run by a named model. */
export const gatedFlow: FlowDefinition = {
  name: 'gated',
  stages: [
    {
      name: 'work',
      artifact: 'summary',
      prompt: 'work.md',
      agent: { kind: 'claudecode', model: 'claude-sonnet-4-5' },
      gate: { kind: 'script', command: 'npm test', timeoutSeconds: 300 },
      disallowedTools: [],
      maxAttempts: 3,
      agentTimeoutSeconds: 600,
    },
  ],
  integration: { onFailure: 'work', autoMerge: false },
};

export function createTrak(trakId: string, projectId = 'project-1', withFlow: FlowDefinition = flow): Extract<TrakCommand, { type: 'CreateTrak' }> {
  return {
    type: 'CreateTrak',
    data: { trakId, projectId, title: 'Add a health endpoint', description: 'Expose /health', flow: withFlow, subtaskFlows: {}, baseBranch: 'main', branch: `ork/${trakId.slice(0, 8)}` },
    metadata: { now: NOW, actor: 'alice' },
  };
}

/** NOW plus some minutes: successive steps of a scenario, each at its own time. */
export const minutesLater = (minutes: number): string => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

type Of<T extends TrakCommand['type']> = Extract<TrakCommand, { type: T }>;

// The machine side, as the scheduler reports it.
export const requestAgentRun = (runId: string, now = NOW): Of<'RequestAgentRun'> => ({ type: 'RequestAgentRun', data: { runId }, metadata: { now, actor: 'scheduler' } });

export const agentRunStarted = (runId: string, runnerId: string, sessionId: string | undefined, now = NOW): Of<'RecordAgentRunStarted'> => ({
  type: 'RecordAgentRunStarted',
  data: { runId, runnerId, ...(sessionId !== undefined && { sessionId }) },
  metadata: { now, actor: 'scheduler' },
});

export const agentRunResult = (runId: string, output: AgentOutput, usage: Usage | undefined, now = NOW): Of<'RecordAgentRunResult'> => ({
  type: 'RecordAgentRunResult',
  data: { runId, output, ...(usage !== undefined && { usage }) },
  metadata: { now, actor: 'scheduler' },
});

export const agentRunFailure = (runId: string, reason: AgentFailureReason, message: string, now = NOW): Of<'RecordAgentRunFailure'> => ({
  type: 'RecordAgentRunFailure',
  data: { runId, reason, message },
  metadata: { now, actor: 'scheduler' },
});

export const requestGateRun = (gateRunId: string, now = NOW): Of<'RequestGateRun'> => ({ type: 'RequestGateRun', data: { gateRunId }, metadata: { now, actor: 'scheduler' } });

export const gateResult = (gateRunId: string, exitCode: number | null, output: string, now = NOW, timedOut = false): Of<'RecordGateResult'> => ({
  type: 'RecordGateResult',
  data: { gateRunId, exitCode, timedOut, output },
  metadata: { now, actor: 'scheduler' },
});

// A reviewer's commands.
export const approve = (now = NOW, actor = 'bob'): Of<'Approve'> => ({ type: 'Approve', data: {}, metadata: { now, actor } });

export const reject = (feedback: string, now = NOW, actor = 'bob'): Of<'Reject'> => ({ type: 'Reject', data: { feedback }, metadata: { now, actor } });

export const retry = (message: string, now = NOW, actor = 'bob'): Of<'Retry'> => ({ type: 'Retry', data: { message }, metadata: { now, actor } });

export const interrupt = (now = NOW, actor = 'bob'): Of<'Interrupt'> => ({ type: 'Interrupt', data: {}, metadata: { now, actor } });

export const setAutoMode = (enabled: boolean, actor = 'bob'): Extract<TrakCommand, { type: 'SetAutoMode' }> => ({
  type: 'SetAutoMode',
  data: { enabled },
  metadata: { now: NOW, actor },
});

export const cancel = (reason: string): Extract<TrakCommand, { type: 'Cancel' }> => ({ type: 'Cancel', data: { reason }, metadata: { now: NOW, actor: 'carol' } });

/** The project id in every event's metadata, as the services write it. */
export const projectOf = trakStreamMetadata;

/** Sends these commands through the Trak command path, each as its metadata's actor at its time. */
export const sender =
  (traks: TrakCommands) =>
  (trakId: string, { metadata, ...command }: TrakCommand): Promise<HandleResult<TrakState>> =>
    traks.handle(trakId, command as PendingCommand, { actor: metadata.actor ?? 'alice', now: metadata.now });
