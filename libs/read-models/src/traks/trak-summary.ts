import { humanAttention, runnerWait, runnerWaitDetail } from '@orkestra/domain';
import type { KnownTrakState, TrakState } from '@orkestra/domain';

/** One row of `read.traks`: what a list of Traks shows and filters on. */
export interface TrakSummary {
  readonly trakId: string;
  readonly projectId: string;
  readonly parentId: string | null;
  readonly title: string;
  readonly description: string;
  readonly flow: string;
  readonly status: TrakState['status'];
  readonly stage: string | null;
  readonly iteration: number | null;
  readonly autoMode: boolean;
  readonly branch: string;
  readonly baseBranch: string;
  readonly prUrl: string | null;
  /** Why it stopped or waits: the block detail, the failure, the cancel reason, the dependencies, the runner its job waits for. */
  readonly statusDetail: string | null;
  /** Why it waits for a person (`approval`, `answers`, …); null when it does not. */
  readonly attention: string | null;
  readonly costUsd: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly streamPosition: number;
  /** The whole state as the domain folds it, for views that show more than the summary. */
  readonly state: KnownTrakState;
}

/** The summary of a Trak's state after the event at `streamPosition` (dated `at`). Undefined before creation. */
export function summarize(state: TrakState, at: string, streamPosition: number): TrakSummary | undefined {
  if (state.status === 'Initial') return undefined;
  const { trak } = state;
  const current = 'current' in state ? state.current : undefined;
  return {
    trakId: trak.trakId,
    projectId: trak.projectId,
    parentId: trak.parent?.trakId ?? null,
    title: trak.title,
    description: trak.description,
    flow: trak.flow.name,
    status: state.status,
    stage: current?.stage ?? null,
    iteration: current?.iteration ?? null,
    autoMode: trak.autoMode,
    branch: trak.branch,
    baseBranch: trak.baseBranch,
    prUrl: trak.prUrl ?? null,
    statusDetail: statusDetail(state),
    attention: humanAttention(state)?.kind ?? null,
    costUsd: trak.usage.costUsd,
    createdAt: trak.createdAt,
    updatedAt: at,
    streamPosition,
    state,
  };
}

/** Why a Trak stopped or waits, in a line: the block detail, the failure, the cancel reason, the dependencies, the runner its job waits for. */
export function statusDetail(state: Exclude<TrakState, { status: 'Initial' }>): string | null {
  switch (state.status) {
    case 'Blocked':
      return `${state.reason}: ${state.detail}`;
    case 'Failed':
      return state.error;
    case 'Cancelled':
      return state.reason;
    case 'WaitingOnDependencies':
      return `waiting for ${state.waitingFor.join(', ')}`;
    default: {
      const wait = runnerWait(state);
      return wait === undefined ? null : runnerWaitDetail(wait);
    }
  }
}
