import { humanAttention } from '@orkestra/domain';
import type { FlowDefinition, KnownTrakState, TrakState } from '@orkestra/domain';
import { statusDetail } from '@orkestra/read-models';
import type { Flow, Trak } from './trak.model.js';
import { TrakStatusValue } from './trak.model.js';

/** The GraphQL view of a Trak's state after `version` events (the last one dated `updatedAt`). */
export function trakView(state: KnownTrakState, version: number, updatedAt: string): Trak {
  const { trak } = state;
  const current = 'current' in state ? state.current : undefined;
  const attention = humanAttention(state);
  return {
    id: trak.trakId,
    projectId: trak.projectId,
    title: trak.title,
    description: trak.description,
    status: TrakStatusValue[state.status],
    ...optional('statusDetail', statusDetail(state) ?? undefined),
    ...optional('needsHuman', attention),
    flow: flowView(trak.flow),
    ...optional('stage', current?.stage),
    ...optional('iteration', current?.iteration),
    ...optional('attempts', current?.attempts),
    autoMode: trak.autoMode,
    autoPr: trak.autoPr,
    branch: trak.branch,
    baseBranch: trak.baseBranch,
    ...optional('baseCommit', trak.baseCommit),
    ...optional('prUrl', trak.prUrl),
    artifacts: Object.values(trak.artifacts).map((a) => ({ name: a.name, content: a.content, stage: a.stage, iteration: a.iteration, at: a.at })),
    questions: state.status === 'AwaitingAnswers' ? state.questions.map((q) => ({ ...q, options: [...q.options] })) : [],
    proposedSubtraks:
      state.status === 'AwaitingApproval' && state.proposal !== undefined
        ? state.proposal.map((p) => ({ title: p.title, description: p.description, dependsOn: [...p.dependsOn] }))
        : [],
    ...optional('parentId', trak.parent?.trakId),
    subtraks: trak.subtraks.map((s) => ({ id: s.trakId, title: s.title, dependsOn: [...s.dependsOn], status: s.status, ...optional('failure', s.failure) })),
    dependsOn: [...trak.dependsOn],
    usage: { ...trak.usage },
    createdAt: trak.createdAt,
    updatedAt,
    version,
  };
}

/** Undefined for a stream with no Trak in it (not created, or not yet at `at`). */
export const knownState = (state: TrakState): KnownTrakState | undefined => (state.status === 'Initial' ? undefined : state);

export function flowView(flow: FlowDefinition): Flow {
  return {
    name: flow.name,
    onFailure: flow.integration.onFailure,
    autoMerge: flow.integration.autoMerge,
    stages: flow.stages.map((s) => ({
      name: s.name,
      artifact: s.artifact,
      agent: s.agent.kind,
      splitsIntoSubtraks: s.subtasks !== undefined,
      maxAttempts: s.maxAttempts,
      ...optional('description', s.description),
      ...optional('model', s.model),
      ...optional('gate', s.gate?.kind),
    })),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
