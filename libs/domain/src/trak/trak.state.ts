import type {
  ArtifactRecord,
  BlockReason,
  IntegrationMode,
  ProposedSubtrak,
  Question,
  Resource,
  TrakFacts,
  Trigger,
  Usage,
} from './trak.values.js';
import type { AgentKind } from '../workflow/workflow.types.js';

export interface StageSession {
  /** Provider session id, reported by the runner once the agent started. */
  readonly sessionId?: string;
  /** The agent produced real output in this session, so resuming it is worthwhile. */
  readonly hasActivity: boolean;
}

export interface SubtrakRecord {
  readonly trakId: string;
  readonly title: string;
  readonly dependsOn: readonly string[];
  readonly status: 'pending' | 'completed' | 'failed';
  readonly failure?: string;
}

/** Facts about a Trak that hold whatever its status: those it was created with, and what it has accumulated. */
export interface TrakRecord extends TrakFacts {
  readonly createdAt: string;
  readonly artifacts: Readonly<Record<string, ArtifactRecord>>;
  readonly resources: readonly Resource[];
  /** Latest activity log per stage. */
  readonly activityLogs: Readonly<Record<string, string>>;
  readonly sessions: Readonly<Record<string, StageSession>>;
  /** Number of the latest iteration per stage (1-based). */
  readonly iterations: Readonly<Record<string, number>>;
  readonly usage: Usage;
  readonly subtraks: readonly SubtrakRecord[];
  /** Integrations requested so far (merges and PRs). */
  readonly integrations: number;
  readonly prUrl?: string;
  readonly prError?: string;
}

/** The stage a Trak is in and how this pass of it is going. */
export interface StagePass {
  readonly stage: string;
  readonly iteration: number;
  readonly trigger?: Trigger;
  /** Failures so far in this pass: gate failures, malformed outputs, agent crashes. */
  readonly attempts: number;
  /** Question rounds answered automatically in this pass (auto mode). */
  readonly autoAnswerRounds: number;
}

export interface AgentRun {
  readonly runId: string;
  readonly requestedAt: string;
  readonly runnerId?: string;
  /** The life of the runner process that has the run (see `AgentRunStarted`). */
  readonly incarnation?: string;
  readonly startedAt?: string;
}

/** The Trak's current job waits in the scheduler's queue: no live runner has what it needs. */
export interface RunnerWait {
  readonly jobId: string;
  /** Canonical labels the job needs. */
  readonly labels: readonly string[];
  /** The agent CLI an agent run needs. */
  readonly agent?: AgentKind;
  readonly since: string;
}

interface Known {
  readonly trak: TrakRecord;
}

interface InStage extends Known {
  readonly current: StagePass;
}

export type TrakState =
  | { readonly status: 'Initial' }
  | (Known & { readonly status: 'WaitingOnDependencies'; readonly waitingFor: readonly string[] })
  | (InStage & { readonly status: 'Queued'; readonly notBefore?: string })
  | (InStage & { readonly status: 'AgentRunning'; readonly run: AgentRun; readonly runnerWait?: RunnerWait })
  | (InStage & { readonly status: 'AwaitingGate' })
  | (InStage & { readonly status: 'GateRunning'; readonly gateRunId: string; readonly runnerWait?: RunnerWait })
  | (InStage & { readonly status: 'AwaitingApproval'; readonly proposal?: readonly ProposedSubtrak[] })
  | (InStage & { readonly status: 'AwaitingAnswers'; readonly questions: readonly Question[] })
  | (InStage & {
      readonly status: 'AwaitingRejectionConfirmation';
      readonly rejection: { readonly target: string; readonly feedback: string };
    })
  | (InStage & { readonly status: 'Interrupted' })
  | (InStage & { readonly status: 'WaitingOnChildren' })
  | (Known & { readonly status: 'Done' })
  | (Known & { readonly status: 'Integrating'; readonly jobId: string; readonly mode: IntegrationMode; readonly runnerWait?: RunnerWait })
  | (Known & { readonly status: 'Archived' })
  | (Known & { readonly status: 'Failed'; readonly current?: StagePass; readonly error: string })
  | (Known & {
      readonly status: 'Blocked';
      readonly current?: StagePass;
      readonly reason: BlockReason;
      readonly detail: string;
      readonly subtrakId?: string;
    })
  | (Known & { readonly status: 'Cancelled'; readonly reason: string });

export type TrakStatus = TrakState['status'];
export type KnownTrakState = Exclude<TrakState, { status: 'Initial' }>;
export type StateOf<S extends TrakStatus> = Extract<TrakState, { status: S }>;

export const initialState = (): TrakState => ({ status: 'Initial' });

/** The stage pass of a state that has one (a stage in progress, or the stage a Failed/Blocked Trak stopped in). */
export function currentPass(state: TrakState): StagePass | undefined {
  return 'current' in state ? state.current : undefined;
}

/** States that end the Trak's life; nothing but reads happens after them. */
export const TERMINAL_STATUSES: readonly TrakStatus[] = ['Archived', 'Cancelled'];

/** States in which a human may skip, redirect, restart or finish the stage (ORKESTRA-SPEC §3.1 "bypassable"). */
export const BYPASSABLE_STATUSES: readonly TrakStatus[] = [
  'Queued',
  'AwaitingApproval',
  'AwaitingAnswers',
  'AwaitingRejectionConfirmation',
  'Interrupted',
  'Failed',
  'Blocked',
];
