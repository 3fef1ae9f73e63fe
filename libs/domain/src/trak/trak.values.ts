import type { FlowDefinition } from '../workflow/workflow.types.js';

/** Why a stage iteration exists (ORKESTRA-SPEC §1 "Trigger"); absent for a plain entry into a stage. */
export type Trigger =
  | { readonly kind: 'rejection'; readonly fromStage: string; readonly feedback: string }
  | { readonly kind: 'integration'; readonly message: string; readonly conflictFiles: readonly string[] }
  | { readonly kind: 'answers'; readonly answers: readonly AnsweredQuestion[] }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'gate_failure'; readonly error: string }
  | { readonly kind: 'redirect'; readonly fromStage: string; readonly message: string }
  | { readonly kind: 'restart'; readonly message: string }
  | { readonly kind: 'user_message'; readonly message: string }
  | { readonly kind: 'malformed_output'; readonly error: string; readonly attempt: number; readonly maxAttempts: number }
  | { readonly kind: 'agent_failure'; readonly reason: AgentFailureReason; readonly message: string };

export type TriggerKind = Trigger['kind'];

export interface QuestionOption {
  readonly label: string;
  readonly description?: string;
}

export interface Question {
  readonly question: string;
  readonly context?: string;
  readonly options: readonly QuestionOption[];
}

export interface AnsweredQuestion {
  readonly question: string;
  readonly answer: string;
}

export interface Resource {
  readonly name: string;
  readonly url?: string;
  readonly description?: string;
}

export interface ProposedSubtrak {
  readonly title: string;
  readonly description: string;
  readonly detailedInstructions: string;
  /** 0-based indices into the same proposal. */
  readonly dependsOn: readonly number[];
}

interface OutputExtras {
  readonly activityLog?: string;
  readonly resources?: readonly Resource[];
}

/**
 * The structured output of an agent run, as the runner extracted and validated it. Prose
 * without a structured block arrives as `malformed`: it never counts as an empty approval.
 */
export type AgentOutput =
  | ({ readonly type: 'artifact'; readonly content: string } & OutputExtras)
  | ({ readonly type: 'questions'; readonly questions: readonly Question[] } & OutputExtras)
  | ({ readonly type: 'subtasks'; readonly content: string; readonly subtasks: readonly ProposedSubtrak[] } & OutputExtras)
  | ({
      readonly type: 'approval';
      readonly decision: 'approve' | 'reject';
      readonly content: string;
      readonly routeTo?: string;
    } & OutputExtras)
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'blocked'; readonly reason: string }
  | { readonly type: 'malformed'; readonly error: string };

export type AgentFailureReason =
  | 'Exited'
  | 'TimedOut'
  | 'Stalled'
  | 'ApiError'
  | 'RateLimited'
  | 'Lost'
  | 'SpawnFailed'
  | 'SetupFailed';

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

export const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

export const addUsage = (a: Usage, b: Usage | undefined): Usage =>
  b === undefined
    ? a
    : { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens, costUsd: a.costUsd + b.costUsd };

export interface ArtifactRecord {
  readonly name: string;
  readonly content: string;
  readonly stage: string;
  readonly iteration: number;
  readonly at: string;
}

export type BlockReason = 'AttemptsExhausted' | 'BudgetExceeded' | 'AgentBlocked' | 'SubtrakFailed';

/** How a Trak that is a Subtrak relates to its parent; recorded at creation. */
export interface ParentLink {
  readonly trakId: string;
  readonly branch: string;
  readonly siblings: readonly SiblingSummary[];
}

export interface SiblingSummary {
  readonly trakId: string;
  readonly title: string;
  readonly description: string;
  readonly dependsOn: readonly string[];
}

/**
 * The project's git repository as the Trak was created with it: runners that have no entry of
 * their own for the project clone it from here (a runner's own entry wins).
 */
export interface ProjectRepository {
  /** Any URL git can fetch and push, or a path to a bare repository. */
  readonly remote: string;
  /** Run in each new worktree, relative to it; default `.orkestra/scripts/setup.sh` when present. */
  readonly setupScript?: string;
}

/** What a Trak is created with; `TrakCreated` records it, so a replay never reads today's yaml. */
export interface TrakFacts {
  readonly trakId: string;
  readonly projectId: string;
  readonly title: string;
  readonly description: string;
  /** The resolved flow, and every flow its Subtraks may run. */
  readonly flow: FlowDefinition;
  readonly subtaskFlows: Readonly<Record<string, FlowDefinition>>;
  readonly baseBranch: string;
  readonly baseCommit?: string;
  readonly branch: string;
  /** Absent on Traks created before repositories travelled with jobs: runners use their own config. */
  readonly repository?: ProjectRepository;
  readonly autoMode: boolean;
  readonly autoPr: boolean;
  readonly parent?: ParentLink;
  /** Trak ids (siblings) that must be integrated before this one starts. */
  readonly dependsOn: readonly string[];
}

/** The flows a Trak may need: its own, and those its Subtraks run (recorded at creation). */
export interface FlowBundle {
  readonly flow: FlowDefinition;
  readonly subtaskFlows: Readonly<Record<string, FlowDefinition>>;
}

export type IntegrationMode = 'merge' | 'pr';
