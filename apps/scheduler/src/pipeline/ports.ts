import type { AgentKind, Job, Timer, Usage } from '@orkestra/domain';

/** How a job ended, as the queue records it. */
export type JobOutcome = 'finished' | 'failed' | 'cancelled' | 'lost' | 'stale';

/** The jobs the pipeline asked for: queued until dispatched within the limits, out until they end. */
export interface JobQueue {
  /** Queues the job unless it is already known (a replayed decision); true when queued now. */
  enqueue(job: Job): Promise<boolean>;
  /** A runner said it started the job. */
  started(jobId: string, runnerId: string): Promise<void>;
  /** The job ended; its slot frees. A second call changes nothing. */
  finish(jobId: string, outcome: JobOutcome): Promise<void>;
  /** Ends every unfinished job of the Trak; returns the ids of those that were out on the bus. */
  finishTrak(trakId: string, outcome: JobOutcome): Promise<string[]>;
  /** The agent CLI an agent-run job needs. */
  agentOf(jobId: string): Promise<AgentKind | undefined>;
}

/** When a timer fires: at a time, or a while after its job leaves the queue (a run's deadline). */
export type TimerDue = { readonly at: string } | { readonly afterDispatchOf: string; readonly delayMs: number };

/** Durable timers; `due` fires once, at least once, after a restart too. */
export interface TimerStore {
  /** Stores the timer unless one with its id exists. */
  schedule(timer: Timer, due: TimerDue): Promise<void>;
  /** Forgets the deadline of a job that ended. */
  clearJob(jobId: string): Promise<void>;
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
