import type { FlowDefinition, StageDefinition } from '../../src/workflow/workflow.types.js';
import type { TrakCommand } from '../../src/trak/trak.commands.js';
import type { TrakCreated, TrakEvent } from '../../src/trak/trak.events.js';
import { decide } from '../../src/trak/trak.decide.js';
import { evolve } from '../../src/trak/trak.evolve.js';
import { initialState } from '../../src/trak/trak.state.js';
import type { TrakState } from '../../src/trak/trak.state.js';

export const NOW = '2026-11-24T10:00:00.000Z';

export const later = (seconds: number): string => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

export function stage(name: string, overrides: Partial<StageDefinition> = {}): StageDefinition {
  return {
    name,
    artifact: overrides.artifact ?? name,
    prompt: `${name}.md`,
    agent: { kind: 'claudecode' },
    disallowedTools: [],
    maxAttempts: 5,
    agentTimeoutSeconds: 1800,
    ...overrides,
  };
}

/** The bootstrapped `default` flow of ORKESTRA-SPEC §2.2. */
export const workStage = stage('work', {
  artifact: 'summary',
  gate: { kind: 'script', command: '$ORKESTRA_PROJECT_ROOT/.orkestra/scripts/checks.sh', timeoutSeconds: 600 },
  maxAttempts: 3,
});
export const reviewStage = stage('review', { artifact: 'verdict', gate: { kind: 'agent' } });

export const defaultFlow: FlowDefinition = {
  name: 'default',
  stages: [
    stage('planning', { artifact: 'plan' }),
    stage('breakdown', { subtasks: { flow: 'subtask' } }),
    workStage,
    reviewStage,
    stage('compound', { artifact: 'learnings' }),
  ],
  integration: { onFailure: 'work', autoMerge: false },
};

export const subtaskFlow: FlowDefinition = {
  name: 'subtask',
  stages: [workStage, reviewStage],
  integration: { onFailure: 'work', autoMerge: false },
};

// Web Crypto's global: the domain's own folder imports nothing outside itself, tests included.
export const newId = (): string => globalThis.crypto.randomUUID();

export function created(overrides: Partial<TrakCreated['data']> = {}): TrakCreated {
  const trakId = overrides.trakId ?? newId();
  return {
    type: 'TrakCreated',
    data: {
      trakId,
      projectId: 'project-1',
      title: 'Add a health endpoint',
      description: 'Expose /health on every service',
      flow: defaultFlow,
      subtaskFlows: { subtask: subtaskFlow },
      baseBranch: 'main',
      branch: `ork/${trakId.slice(0, 8)}-add-a-health-endpoint`,
      autoMode: false,
      autoPr: false,
      dependsOn: [],
      initialArtifacts: {},
      at: NOW,
      ...overrides,
    },
  };
}

/** Builds a command with metadata at `now` (NOW unless given). */
export function cmd<T extends TrakCommand['type']>(
  type: T,
  data: Extract<TrakCommand, { type: T }>['data'],
  now: string = NOW,
): Extract<TrakCommand, { type: T }> {
  return { type, data, metadata: { now, actor: 'test' } } as Extract<TrakCommand, { type: T }>;
}

export function ev<T extends TrakEvent['type']>(type: T, data: Extract<TrakEvent, { type: T }>['data']): Extract<TrakEvent, { type: T }> {
  return { type, data } as Extract<TrakEvent, { type: T }>;
}

/**
 * Builds a history by running commands through the real decider, so a spec's `given` is a
 * history the domain itself could have produced.
 */
export function historyOf(start: readonly TrakEvent[], ...commands: TrakCommand[]): TrakEvent[] {
  const events = [...start];
  let state = events.reduce(evolve, initialState());
  for (const command of commands) {
    const decided = decide(command, state);
    events.push(...decided);
    state = decided.reduce(evolve, state);
  }
  return events;
}

export const stateOf = (events: readonly TrakEvent[]): TrakState => events.reduce(evolve, initialState());

/** The id of the current agent run, or throws when the history has none. */
export function currentRunId(events: readonly TrakEvent[]): string {
  const state = stateOf(events);
  if (state.status !== 'AgentRunning') throw new Error(`expected AgentRunning, got ${state.status}`);
  return state.run.runId;
}

export function currentGateRunId(events: readonly TrakEvent[]): string {
  const state = stateOf(events);
  if (state.status !== 'GateRunning') throw new Error(`expected GateRunning, got ${state.status}`);
  return state.gateRunId;
}
