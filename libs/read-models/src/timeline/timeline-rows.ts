import type { AgentKind, Trigger } from '@orkestra/domain';

/**
 * How a stage iteration ended. An iteration is open while its agent works, its gate runs or its
 * output waits for a person; it ends when its stage pass moves past it, and the first ending wins.
 */
export const ITERATION_OUTCOMES = [
  /** Its output was approved (by a person, by auto mode, or forced through with `finish`). */
  'approved',
  /** A person rejected its output; the detail holds the feedback and the stage that runs again. */
  'rejected',
  /** The agent's own reject verdict was confirmed (by a person or by auto mode). */
  'rejection_confirmed',
  /** The agent asked questions and they were answered; the answers start the next iteration. */
  'answered',
  'gate_failed',
  /** The agent's output was unusable (no structured block, a type the stage does not allow…). */
  'malformed',
  /** The agent run failed (crash, timeout, stall, API error, rate limit, lost runner, setup). */
  'agent_error',
  /** The agent reported that it failed, and the Trak failed with it. */
  'failed',
  /** The Trak was blocked in it: the agent said it was blocked, or the budget ran out. */
  'blocked',
  'skipped',
  'interrupted',
  'cancelled',
  /** A person sent it back to the agent with a message (`retry`), in the same session. */
  'retried',
  /** A person restarted the stage in a fresh session. */
  'restarted',
  /** A person sent the Trak to another stage. */
  'redirected',
] as const;

export type IterationOutcome = (typeof ITERATION_OUTCOMES)[number];

/** A row of `read.trak_iterations`: one iteration of a stage, in the order its Trak began them (`position`). */
export interface TimelineIteration {
  readonly trakId: string;
  readonly stage: string;
  readonly iteration: number;
  /** Position in the Trak's stream of the event that began it. */
  readonly position: number;
  /** Why it exists; null for a plain entry into the stage. */
  readonly trigger: Trigger | null;
  /** Failures earlier in the same pass of the stage when it began. */
  readonly attempts: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly outcome: IterationOutcome | null;
  readonly outcomeDetail: string | null;
  /** Name of the artifact its output was stored as, when it produced one. */
  readonly artifact: string | null;
}

export const AGENT_RUN_STATUSES = ['requested', 'running', 'completed', 'failed', 'stopped'] as const;

/** `stopped`: a person interrupted the Trak or cancelled it while the run was going; no result will count. */
export type AgentRunStatus = (typeof AGENT_RUN_STATUSES)[number];

/** A row of `read.agent_runs`: one agent run, with the agent and model its stage named in the flow recorded on the Trak. */
export interface TimelineAgentRun {
  readonly trakId: string;
  readonly runId: string;
  readonly stage: string;
  readonly iteration: number;
  readonly position: number;
  readonly agent: AgentKind;
  /** Null: the agent CLI's default model. */
  readonly model: string | null;
  readonly requestedAt: string;
  readonly runnerId: string | null;
  /** The runner the run was last taken over from (its runner stopped and `runnerId` carried it on); null when it never changed hands. */
  readonly takenOverFrom: string | null;
  readonly startedAt: string | null;
  readonly sessionId: string | null;
  readonly endedAt: string | null;
  readonly status: AgentRunStatus;
  /** The domain's failure reason (`Exited`, `TimedOut`, `RateLimited`…), or `Interrupted`/`Cancelled` for a stopped run. */
  readonly failureReason: string | null;
  readonly failureMessage: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly costUsd: number | null;
  /** The kind of structured output a completed run gave: `artifact`, `questions`, `subtasks`, `approval`, `failed`, `blocked` or `malformed`. */
  readonly outputType: string | null;
}

export const GATE_RUN_STATUSES = ['running', 'passed', 'failed', 'stopped'] as const;

export type GateRunStatus = (typeof GATE_RUN_STATUSES)[number];

/** A row of `read.gate_runs`: one run of a stage's script gate. */
export interface TimelineGateRun {
  readonly trakId: string;
  readonly gateRunId: string;
  readonly stage: string;
  readonly iteration: number;
  readonly position: number;
  /** The shell command, as the flow recorded on the Trak gives it. */
  readonly command: string | null;
  readonly requestedAt: string;
  readonly endedAt: string | null;
  readonly status: GateRunStatus;
  readonly passed: boolean | null;
  readonly exitCode: number | null;
  readonly timedOut: boolean | null;
  /** The tail of its output, as the domain kept it (at most `GATE_FEEDBACK_LIMIT` characters). */
  readonly output: string | null;
}

/** A new row, or a change to one (by key) that applies only while the row is open (`endedAt` null). */
export type RowChange<Row> = { readonly insert: Row } | { readonly key: string; readonly set: Partial<Row> };

/** What one event does to the three tables of a Trak's timeline, in order within each table. */
export interface TimelineChanges {
  readonly iterations: readonly RowChange<TimelineIteration>[];
  readonly runs: readonly RowChange<TimelineAgentRun>[];
  readonly gates: readonly RowChange<TimelineGateRun>[];
}

export const iterationKey = (row: Pick<TimelineIteration, 'trakId' | 'stage' | 'iteration'>): string =>
  JSON.stringify([row.trakId, row.stage, row.iteration]);
export const runKey = (row: Pick<TimelineAgentRun, 'trakId' | 'runId'>): string => JSON.stringify([row.trakId, row.runId]);
export const gateRunKey = (row: Pick<TimelineGateRun, 'trakId' | 'gateRunId'>): string => JSON.stringify([row.trakId, row.gateRunId]);

/**
 * Applies changes to rows held by key, in order, and returns the keys of the rows it inserted or
 * changed. A change to a row that is not there, or that has ended, changes nothing.
 */
export function applyRowChanges<Row extends { readonly endedAt: string | null }>(
  rows: Map<string, Row>,
  changes: readonly RowChange<Row>[],
  keyOf: (row: Row) => string,
): Set<string> {
  const touched = new Set<string>();
  for (const change of changes) {
    if ('insert' in change) {
      const key = keyOf(change.insert);
      rows.set(key, change.insert);
      touched.add(key);
      continue;
    }
    const row = rows.get(change.key);
    if (row === undefined || row.endedAt !== null) continue;
    rows.set(change.key, { ...row, ...change.set });
    touched.add(change.key);
  }
  return touched;
}
