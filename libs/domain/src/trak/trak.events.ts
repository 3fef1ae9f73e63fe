import type { Event } from '../shared/message.js';
import type { AgentKind } from '../workflow/workflow.types.js';
import type {
  AgentFailureReason,
  TrakFacts,
  AgentOutput,
  AnsweredQuestion,
  BlockReason,
  IntegrationMode,
  ProposedSubtrak,
  Question,
  Resource,
  Trigger,
  Usage,
} from './trak.values.js';

/** Every event records when it happened (`at`, ISO-8601, taken from the command). */
interface At {
  readonly at: string;
}

interface StageRef {
  readonly stage: string;
  readonly iteration: number;
}

export type TrakCreated = Event<
  'TrakCreated',
  At &
    TrakFacts & {
    /** Artifacts the Trak starts with, e.g. a Subtrak's own instructions. */
    readonly initialArtifacts: Readonly<Record<string, string>>;
  }
>;

export type DependencyCompleted = Event<'DependencyCompleted', At & { readonly dependencyId: string }>;

/**
 * A new iteration of a stage is waiting for an agent run. `session` says whether the run
 * resumes the stage's agent session or starts a fresh one (ORKESTRA-SPEC §3.4);
 * `attempts` counts failures in the current pass (gate, malformed output, agent crash).
 */
export type StageQueued = Event<
  'StageQueued',
  At &
    StageRef & {
      readonly trigger?: Trigger;
      readonly session: 'resume' | 'new';
      readonly attempts: number;
      readonly notBefore?: string;
    }
>;

export type AgentRunRequested = Event<'AgentRunRequested', At & StageRef & { readonly runId: string }>;

/**
 * A runner started the run. A later one for the same run is a takeover: the runner that had it
 * stopped (killed, restarted, drained or lost) and `runnerId` carries it on from the pushed branch;
 * `takesOverFrom` names the runner that had it until then.
 */
export type AgentRunStarted = Event<
  'AgentRunStarted',
  At & {
    readonly runId: string;
    readonly runnerId: string;
    /** The runner process's life; the same runner after a restart is a new one. */
    readonly incarnation?: string;
    readonly sessionId?: string;
    readonly takesOverFrom?: string;
  }
>;

export type AgentRunCompleted = Event<
  'AgentRunCompleted',
  At &
    StageRef & {
      readonly runId: string;
      readonly output: AgentOutput;
      readonly usage: Usage;
      readonly sessionId?: string;
    }
>;

export type AgentRunFailed = Event<
  'AgentRunFailed',
  At &
    StageRef & {
      readonly runId: string;
      readonly reason: AgentFailureReason;
      readonly message: string;
      readonly usage: Usage;
      readonly resetAt?: string;
    }
>;

export type ArtifactProduced = Event<
  'ArtifactProduced',
  At &
    StageRef & {
      readonly name: string;
      readonly content: string;
      readonly activityLog?: string;
      readonly resources: readonly Resource[];
      /** What the stage waits for next. */
      readonly awaiting: 'gate' | 'approval';
    }
>;

export type QuestionsAsked = Event<'QuestionsAsked', At & StageRef & { readonly questions: readonly Question[] }>;

export type QuestionsAnswered = Event<
  'QuestionsAnswered',
  At & StageRef & { readonly answers: readonly AnsweredQuestion[]; readonly auto: boolean }
>;

/** Auto mode stopped answering questions for this stage pass; a human must answer. */
export type AutoAnswerLimitReached = Event<'AutoAnswerLimitReached', At & StageRef & { readonly rounds: number }>;

export type SubtraksProposed = Event<
  'SubtraksProposed',
  At &
    StageRef & {
      readonly content: string;
      readonly subtraks: readonly ProposedSubtrak[];
      readonly activityLog?: string;
      readonly resources: readonly Resource[];
    }
>;

export type RejectionProposed = Event<
  'RejectionProposed',
  At & StageRef & { readonly target: string; readonly feedback: string }
>;

export type RejectionConfirmed = Event<
  'RejectionConfirmed',
  At & StageRef & { readonly target: string; readonly feedback: string; readonly auto: boolean }
>;

export type OutputMalformed = Event<
  'OutputMalformed',
  At & StageRef & { readonly runId: string; readonly error: string; readonly attempt: number; readonly maxAttempts: number }
>;

export type GateRunRequested = Event<'GateRunRequested', At & StageRef & { readonly gateRunId: string }>;

export type GatePassed = Event<'GatePassed', At & StageRef & { readonly gateRunId: string; readonly output: string }>;

export type GateFailed = Event<
  'GateFailed',
  At &
    StageRef & {
      readonly gateRunId: string;
      readonly exitCode: number | null;
      readonly timedOut: boolean;
      readonly output: string;
      readonly attempt: number;
      readonly maxAttempts: number;
    }
>;

export type StageApproved = Event<
  'StageApproved',
  At & StageRef & { readonly by: 'human' | 'auto'; readonly forced: boolean }
>;

export type StageRejected = Event<'StageRejected', At & StageRef & { readonly feedback: string; readonly target: string }>;

export type StageSkipped = Event<'StageSkipped', At & StageRef & { readonly message: string }>;

/**
 * The Trak's current job (agent run, gate run or integration) waits because no live runner has
 * the labels it needs (`labels`, canonical) and, for an agent run, its CLI (`agent`).
 */
export type NoRunnerFound = Event<'NoRunnerFound', At & { readonly jobId: string; readonly labels: readonly string[]; readonly agent?: AgentKind }>;

/** A runner that can take the waiting job registered and the job went out to the runners. */
export type RunnerFound = Event<'RunnerFound', At & { readonly jobId: string }>;

export type TrakInterrupted = Event<'TrakInterrupted', At & StageRef & { readonly runId?: string; readonly gateRunId?: string }>;

export type AutoModeSet = Event<'AutoModeSet', At & { readonly enabled: boolean }>;

export type SubtraksCreated = Event<
  'SubtraksCreated',
  At &
    StageRef & {
      readonly subtraks: readonly {
        readonly trakId: string;
        readonly title: string;
        readonly description: string;
        readonly instructions: string;
        readonly dependsOn: readonly string[];
        readonly flow: string;
      }[];
    }
>;

export type SubtrakCompleted = Event<'SubtrakCompleted', At & { readonly subtrakId: string }>;

export type SubtrakFailed = Event<'SubtrakFailed', At & { readonly subtrakId: string; readonly reason: string }>;

export type TrakDone = Event<'TrakDone', At>;

export type IntegrationRequested = Event<'IntegrationRequested', At & { readonly jobId: string; readonly mode: IntegrationMode }>;

export type IntegrationSucceeded = Event<'IntegrationSucceeded', At & { readonly jobId: string; readonly mergeCommit?: string }>;

export type IntegrationFailed = Event<
  'IntegrationFailed',
  At & { readonly jobId: string; readonly message: string; readonly conflictFiles: readonly string[] }
>;

export type PullRequestOpened = Event<'PullRequestOpened', At & { readonly jobId: string; readonly url: string }>;

export type PullRequestFailed = Event<'PullRequestFailed', At & { readonly jobId: string; readonly error: string }>;

export type TrakArchived = Event<'TrakArchived', At>;

export type TrakFailed = Event<'TrakFailed', At & { readonly stage?: string; readonly error: string }>;

export type TrakBlocked = Event<
  'TrakBlocked',
  At & { readonly stage?: string; readonly reason: BlockReason; readonly detail: string; readonly subtrakId?: string }
>;

/** `activeJobId`: the agent, gate or integration job that was running and must be stopped. */
export type TrakCancelled = Event<'TrakCancelled', At & { readonly reason: string; readonly activeJobId?: string }>;

export type TrakEvent =
  | TrakCreated
  | DependencyCompleted
  | StageQueued
  | AgentRunRequested
  | AgentRunStarted
  | AgentRunCompleted
  | AgentRunFailed
  | ArtifactProduced
  | QuestionsAsked
  | QuestionsAnswered
  | AutoAnswerLimitReached
  | SubtraksProposed
  | RejectionProposed
  | RejectionConfirmed
  | OutputMalformed
  | GateRunRequested
  | GatePassed
  | GateFailed
  | NoRunnerFound
  | RunnerFound
  | StageApproved
  | StageRejected
  | StageSkipped
  | TrakInterrupted
  | AutoModeSet
  | SubtraksCreated
  | SubtrakCompleted
  | SubtrakFailed
  | TrakDone
  | IntegrationRequested
  | IntegrationSucceeded
  | IntegrationFailed
  | PullRequestOpened
  | PullRequestFailed
  | TrakArchived
  | TrakFailed
  | TrakBlocked
  | TrakCancelled;

export type TrakEventType = TrakEvent['type'];
