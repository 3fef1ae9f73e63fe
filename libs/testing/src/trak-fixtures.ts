import { trakStreamMetadata } from '@orkestra/application';
import type { HandleResult, TrakCommands } from '@orkestra/application';
import type { FlowDefinition, PendingCommand, TrakCommand, TrakState } from '@orkestra/domain';

export const NOW = '2026-11-24T10:00:00.000Z';

const flow: FlowDefinition = {
  name: 'default',
  stages: [{ name: 'work', artifact: 'summary', prompt: 'work.md', agent: { kind: 'claudecode' }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 600 }],
  integration: { onFailure: 'work', autoMerge: false },
};

export function createTrak(trakId: string, projectId = 'project-1'): Extract<TrakCommand, { type: 'CreateTrak' }> {
  return {
    type: 'CreateTrak',
    data: { trakId, projectId, title: 'Add a health endpoint', description: 'Expose /health', flow, subtaskFlows: {}, baseBranch: 'main', branch: `ork/${trakId.slice(0, 8)}` },
    metadata: { now: NOW, actor: 'alice' },
  };
}

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
