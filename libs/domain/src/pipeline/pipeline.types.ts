import type { AgentFailureReason, AgentOutput, ArtifactRecord, IntegrationMode, ProjectRepository, Resource, SiblingSummary, Trigger, Usage } from '../trak/trak.values.js';
import type { RecordIntegrationResult, TrakCommand } from '../trak/trak.commands.js';
import type { TrakEvent } from '../trak/trak.events.js';
import type { StageDefinition } from '../workflow/workflow.types.js';

/** Where the Trak's work lives in git; runners find or create the worktree from it. */
export interface RepoRef {
  readonly branch: string;
  readonly baseBranch: string;
  readonly baseCommit?: string;
}

/** What the agent must answer with: its artifact, an approval verdict, or Subtraks (ORKESTRA-SPEC §4.6). */
export interface OutputContract {
  readonly kind: 'artifact' | 'verdict' | 'subtasks';
  readonly artifact: string;
  /** Stages a verdict may route a rejection to: only earlier ones. */
  readonly routeTo: readonly string[];
}

export interface WorkflowOverviewEntry {
  readonly stage: string;
  readonly artifact: string;
  readonly description?: string;
  readonly current: boolean;
}

/** Everything a runner needs to build the prompt and run one agent session. */
export interface AgentRunJob {
  readonly kind: 'agent-run';
  readonly jobId: string;
  readonly trakId: string;
  readonly projectId: string;
  /** The project's repository as the Trak recorded it, for runners with no entry of their own. */
  readonly repository?: ProjectRepository;
  readonly flow: string;
  readonly stage: StageDefinition;
  readonly iteration: number;
  readonly trigger?: Trigger;
  readonly session: { readonly mode: 'new' } | { readonly mode: 'resume'; readonly sessionId: string };
  readonly repo: RepoRef;
  readonly trak: { readonly title: string; readonly description: string; readonly parentId?: string };
  readonly artifacts: readonly ArtifactRecord[];
  readonly resources: readonly Resource[];
  readonly activityLogs: Readonly<Record<string, string>>;
  readonly workflow: readonly WorkflowOverviewEntry[];
  readonly siblings: readonly SiblingSummary[];
  readonly output: OutputContract;
  readonly timeoutSeconds: number;
  /** Labels a runner must have to take the job (canonical, see `canonicalLabels`); absent: any runner. The stage's `runsOn`. */
  readonly runsOn?: readonly string[];
}

export interface GateRunJob {
  readonly kind: 'gate-run';
  readonly jobId: string;
  readonly trakId: string;
  readonly projectId: string;
  readonly repository?: ProjectRepository;
  readonly stage: string;
  readonly iteration: number;
  readonly command: string;
  readonly timeoutSeconds: number;
  readonly repo: RepoRef;
  /** `ORKESTRA_*` variables; the runner adds the worktree and project paths it knows. */
  readonly env: Readonly<Record<string, string>>;
  /** Labels a runner must have to take the job: its stage's, so the gate checks the work where such work runs. Absent: any runner. */
  readonly runsOn?: readonly string[];
}

export interface IntegrationJob {
  readonly kind: 'integration';
  readonly jobId: string;
  readonly trakId: string;
  readonly projectId: string;
  readonly repository?: ProjectRepository;
  readonly mode: IntegrationMode;
  readonly repo: RepoRef;
  readonly title: string;
  readonly description: string;
  readonly parentId?: string;
  readonly artifacts: readonly ArtifactRecord[];
  /** Labels a runner must have to take the job: those every stage of the flow needs. Absent: any runner. */
  readonly runsOn?: readonly string[];
}

export type Job = AgentRunJob | GateRunJob | IntegrationJob;

/** What runners report about a job. */
export type JobResult =
  | {
      readonly kind: 'agent-started';
      readonly jobId: string;
      readonly runnerId: string;
      /** The runner process's life (new at each start): the same runner restarted is a new incarnation. Absent from runners before it existed. */
      readonly incarnation?: string;
      readonly sessionId?: string;
    }
  | { readonly kind: 'agent-finished'; readonly jobId: string; readonly output: AgentOutput; readonly usage?: Usage; readonly sessionId?: string }
  | {
      readonly kind: 'agent-failed';
      readonly jobId: string;
      readonly reason: AgentFailureReason;
      readonly message: string;
      readonly usage?: Usage;
      readonly resetAt?: string;
    }
  | { readonly kind: 'gate-finished'; readonly jobId: string; readonly exitCode: number | null; readonly timedOut: boolean; readonly output: string }
  | { readonly kind: 'integration-finished'; readonly jobId: string; readonly result: RecordIntegrationResult['data']['result'] };

/** Durable timers the scheduler stores and fires. */
export type Timer =
  | { readonly id: string; readonly kind: 'retry-due'; readonly trakId: string; readonly stage: string; readonly iteration: number }
  | { readonly id: string; readonly kind: 'run-deadline'; readonly trakId: string; readonly runId: string }
  | { readonly id: string; readonly kind: 'gate-deadline'; readonly trakId: string; readonly gateRunId: string };

export type PipelineInput =
  | { readonly kind: 'event'; readonly event: TrakEvent }
  | { readonly kind: 'result'; readonly result: JobResult }
  | { readonly kind: 'timer'; readonly timer: Timer; readonly firedAt: string };

/** A command for a Trak stream, without metadata: the scheduler stamps time, actor and causation. */
export type PendingCommand = TrakCommand extends infer C ? (C extends TrakCommand ? Omit<C, 'metadata'> : never) : never;

export type IgnoreReason =
  /** A result or timer for a run, gate or integration that is no longer the current one. */
  | 'StaleJob'
  /** The input belongs to a stage iteration the Trak has already left. */
  | 'Superseded'
  /** The same report arrived again. */
  | 'Duplicate'
  /** The Trak waits for a person (review, merge decision). */
  | 'AwaitingHuman';

export type PipelineOutput =
  | { readonly kind: 'command'; readonly trakId: string; readonly command: PendingCommand }
  | { readonly kind: 'send-job'; readonly job: Job }
  | { readonly kind: 'cancel-job'; readonly jobId: string; readonly reason: string }
  | { readonly kind: 'schedule'; readonly timer: Timer; readonly at: string }
  | { readonly kind: 'complete' }
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason; readonly detail: string };
