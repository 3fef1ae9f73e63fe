import type { AgentKind } from '../workflow/workflow.types.js';
import type { RunnerWait, TrakState } from './trak.state.js';

const AGENT_NAMES: Readonly<Record<AgentKind, string>> = { claudecode: 'Claude Code', opencode: 'OpenCode' };

/** The runner the Trak's current job waits for, while no live runner can take it. */
export function runnerWait(state: TrakState): RunnerWait | undefined {
  return 'runnerWait' in state ? state.runnerWait : undefined;
}

/** The wait in a line for people: `waiting for a runner with labels big-memory, gpu: none is registered`. */
export function runnerWaitDetail(wait: RunnerWait): string {
  const labels = wait.labels.length === 0 ? '' : `${wait.labels.length === 1 ? 'label' : 'labels'} ${wait.labels.join(', ')}`;
  const agent = wait.agent === undefined ? '' : AGENT_NAMES[wait.agent];
  const needs = [labels, agent].filter((part) => part !== '').join(' and ');
  return `waiting for a runner${needs === '' ? '' : ` with ${needs}`}: none is registered`;
}
