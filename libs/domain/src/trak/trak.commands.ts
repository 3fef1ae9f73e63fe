import type { Command } from '../shared/message.js';
import type { AgentKind } from '../workflow/workflow.types.js';
import type { AgentFailureReason, AgentOutput, IntegrationMode, TrakFacts, Usage } from './trak.values.js';

// ---- Creation and dependencies

export type CreateTrak = Command<
  'CreateTrak',
  Omit<TrakFacts, 'autoMode' | 'autoPr' | 'dependsOn'> &
    Partial<Pick<TrakFacts, 'autoMode' | 'autoPr' | 'dependsOn'>> & {
      readonly initialArtifacts?: Readonly<Record<string, string>>;
    }
>;

export type RecordDependencyCompleted = Command<'RecordDependencyCompleted', { readonly dependencyId: string }>;

// ---- Machine-driven: agent runs, gates, integration (issued by the scheduler)

export type RequestAgentRun = Command<'RequestAgentRun', { readonly runId: string }>;

export type RecordAgentRunStarted = Command<
  'RecordAgentRunStarted',
  { readonly runId: string; readonly runnerId: string; readonly incarnation?: string; readonly sessionId?: string }
>;

export type RecordAgentRunResult = Command<
  'RecordAgentRunResult',
  { readonly runId: string; readonly output: AgentOutput; readonly usage?: Usage; readonly sessionId?: string }
>;

export type RecordAgentRunFailure = Command<
  'RecordAgentRunFailure',
  {
    readonly runId: string;
    readonly reason: AgentFailureReason;
    readonly message: string;
    readonly usage?: Usage;
    /** When the provider's rate limit resets, if the CLI said. */
    readonly resetAt?: string;
  }
>;

/** The project's budget is spent: the queued stage does not run; the Trak waits Blocked with its work kept. */
export type BlockOverBudget = Command<'BlockOverBudget', { readonly detail: string }>;

export type RequestGateRun = Command<'RequestGateRun', { readonly gateRunId: string }>;

export type RecordGateResult = Command<
  'RecordGateResult',
  { readonly gateRunId: string; readonly exitCode: number | null; readonly timedOut: boolean; readonly output: string }
>;

/**
 * No live runner has what the Trak's current job needs (its labels, and its agent CLI for an agent
 * run): the job stays queued, and the Trak says what it waits for. The scheduler sends it once per wait.
 */
export type RecordNoRunner = Command<'RecordNoRunner', { readonly jobId: string; readonly labels: readonly string[]; readonly agent?: AgentKind }>;

/** A runner that can take the waiting job registered, and the job went out: the wait is over. */
export type RecordRunnerFound = Command<'RecordRunnerFound', { readonly jobId: string }>;

export type RecordSubtrakCompleted = Command<'RecordSubtrakCompleted', { readonly subtrakId: string }>;

export type RecordSubtrakFailed = Command<'RecordSubtrakFailed', { readonly subtrakId: string; readonly reason: string }>;

export type RequestIntegration = Command<'RequestIntegration', { readonly jobId: string; readonly mode: IntegrationMode }>;

export type RecordIntegrationResult = Command<
  'RecordIntegrationResult',
  {
    readonly jobId: string;
    readonly result:
      | { readonly kind: 'merged'; readonly mergeCommit?: string }
      | { readonly kind: 'pr_opened'; readonly url: string }
      | { readonly kind: 'conflict'; readonly message: string; readonly conflictFiles: readonly string[] }
      | { readonly kind: 'failed'; readonly message: string };
  }
>;

// ---- Human review

export type Approve = Command<'Approve', Record<string, never>>;

/** Rejects the stage's output: the same stage (or an earlier one) runs again with the feedback. */
export type Reject = Command<'Reject', { readonly feedback: string; readonly toStage?: string }>;

/** Answers in the order the questions were asked. */
export type AnswerQuestions = Command<'AnswerQuestions', { readonly answers: readonly string[] }>;

/** Resumes the current stage's session with a message (`ork trak retry`). */
export type Retry = Command<'Retry', { readonly message: string }>;

export type Skip = Command<'Skip', { readonly message: string }>;

export type SendToStage = Command<'SendToStage', { readonly stage: string; readonly message: string }>;

export type Restart = Command<'Restart', { readonly message: string }>;

export type Interrupt = Command<'Interrupt', Record<string, never>>;

/** Accepts the current stage as it stands and moves on. */
export type Finish = Command<'Finish', Record<string, never>>;

export type SetAutoMode = Command<'SetAutoMode', { readonly enabled: boolean }>;

export type Cancel = Command<'Cancel', { readonly reason: string }>;

export type Archive = Command<'Archive', Record<string, never>>;

export type TrakCommand =
  | CreateTrak
  | RecordDependencyCompleted
  | RequestAgentRun
  | RecordAgentRunStarted
  | RecordAgentRunResult
  | RecordAgentRunFailure
  | BlockOverBudget
  | RequestGateRun
  | RecordGateResult
  | RecordNoRunner
  | RecordRunnerFound
  | RecordSubtrakCompleted
  | RecordSubtrakFailed
  | RequestIntegration
  | RecordIntegrationResult
  | Approve
  | Reject
  | AnswerQuestions
  | Retry
  | Skip
  | SendToStage
  | Restart
  | Interrupt
  | Finish
  | SetAutoMode
  | Cancel
  | Archive;

export type TrakCommandType = TrakCommand['type'];
