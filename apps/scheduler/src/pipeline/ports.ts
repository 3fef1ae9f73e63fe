import type { TrakCommands } from '@orkestra/application';
import type { AgentKind, Job, Timer, Usage } from '@orkestra/domain';

/** How a job ended, as the queue records it. */
export type JobOutcome = 'finished' | 'failed' | 'cancelled' | 'lost' | 'stale';

/** The jobs the pipeline asked for: queued until dispatched within the limits, out until they end. */
export interface JobQueue {
  /**
   * Queues the job, with its deadline if it has one, unless it is already known (a replayed
   * decision); true when queued now. The deadline starts counting when the job is dispatched.
   * The job goes out with `correlationId`, and the deadline fires with it.
   */
  enqueue(job: Job, deadline?: JobDeadline, correlationId?: string): Promise<boolean>;
  /** A runner said it started the job. */
  started(jobId: string, runnerId: string): Promise<void>;
  /** The job ended; its slot frees and its deadline goes. A second call changes nothing. */
  finish(jobId: string, outcome: JobOutcome): Promise<void>;
  /** Ends every unfinished job of the Trak; returns the ids of those that were out on the bus. */
  finishTrak(trakId: string, outcome: JobOutcome): Promise<string[]>;
  /** The agent CLI an agent-run job needs. */
  agentOf(jobId: string): Promise<AgentKind | undefined>;
}

/** A job's deadline: its timer fires this long after the job is dispatched. */
export interface JobDeadline {
  readonly timer: Timer;
  readonly delayMs: number;
}

/** Durable timers; `due` fires once, at least once, after a restart too. */
export interface TimerStore {
  /** Stores the timer, due at `at`, unless one with its id exists; it fires with `correlationId`. */
  schedule(timer: Timer, at: string, correlationId?: string): Promise<void>;
  /** Forgets every timer of a Trak that is done. */
  clearTrak(trakId: string): Promise<void>;
}

/** Agent kinds held back until a provider's rate limit resets. */
export interface RateLimitHolds {
  hold(agent: AgentKind, until: string, reason: string): Promise<void>;
}

/** What one agent run cost. */
export interface RunUsage {
  readonly runId: string;
  readonly trakId: string;
  readonly projectId: string;
  readonly usage: Usage;
  readonly at: string;
}

/** Tokens and cost of every agent run, summed per project for its budget. */
export interface UsageLedger {
  /** Records a run's usage once; a second record of the same run changes nothing. */
  record(run: RunUsage): Promise<void>;
  projectTotal(projectId: string): Promise<Usage>;
}

/** Tells runners a job is called off: one not started is skipped, one running is stopped. */
export interface JobCancels {
  cancel(jobId: string, reason: string): Promise<void>;
}

/** What an input writes while it is processed, all committed together or not at all. */
export interface InputScope {
  /** Commands to Traks, appended in the input's transaction. */
  readonly traks: TrakCommands;
  readonly queue: JobQueue;
  readonly timers: TimerStore;
  readonly usage: UsageLedger;
}

/** Runs one input's writes as one transaction. */
export interface Transactions {
  run<T>(work: (scope: InputScope) => Promise<T>): Promise<T>;
}
