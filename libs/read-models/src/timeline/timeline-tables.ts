import type { Queryable } from '@orkestra/event-store';
import { applyRowChanges, gateRunKey, iterationKey, runKey } from './timeline-rows.js';
import type { RowChange, TimelineAgentRun, TimelineGateRun, TimelineIteration } from './timeline-rows.js';

type SqlType = 'text' | 'integer' | 'bigint' | 'boolean' | 'double precision' | 'timestamptz' | 'jsonb';

interface Column<Row> {
  readonly field: keyof Row & string;
  readonly column: string;
  readonly type: SqlType;
}

/** How the rows of one timeline table map to its columns; the key columns come first. */
export interface TimelineTable<Row> {
  readonly name: string;
  readonly keyColumns: number;
  readonly columns: readonly Column<Row>[];
  readonly keyOf: (row: Row) => string;
}

const col = <Row>(field: keyof Row & string, column: string, type: SqlType): Column<Row> => ({ field, column, type });

export const ITERATIONS_TABLE: TimelineTable<TimelineIteration> = {
  name: 'read.trak_iterations',
  keyColumns: 3,
  keyOf: iterationKey,
  columns: [
    col('trakId', 'trak_id', 'text'),
    col('stage', 'stage', 'text'),
    col('iteration', 'iteration', 'integer'),
    col('position', 'position', 'bigint'),
    col('trigger', 'trigger', 'jsonb'),
    col('attempts', 'attempts', 'integer'),
    col('startedAt', 'started_at', 'timestamptz'),
    col('endedAt', 'ended_at', 'timestamptz'),
    col('outcome', 'outcome', 'text'),
    col('outcomeDetail', 'outcome_detail', 'text'),
    col('artifact', 'artifact', 'text'),
  ],
};

export const AGENT_RUNS_TABLE: TimelineTable<TimelineAgentRun> = {
  name: 'read.agent_runs',
  keyColumns: 2,
  keyOf: runKey,
  columns: [
    col('trakId', 'trak_id', 'text'),
    col('runId', 'run_id', 'text'),
    col('stage', 'stage', 'text'),
    col('iteration', 'iteration', 'integer'),
    col('position', 'position', 'bigint'),
    col('agent', 'agent', 'text'),
    col('model', 'model', 'text'),
    col('requestedAt', 'requested_at', 'timestamptz'),
    col('runnerId', 'runner_id', 'text'),
    col('takenOverFrom', 'taken_over_from', 'text'),
    col('startedAt', 'started_at', 'timestamptz'),
    col('sessionId', 'session_id', 'text'),
    col('endedAt', 'ended_at', 'timestamptz'),
    col('status', 'status', 'text'),
    col('failureReason', 'failure_reason', 'text'),
    col('failureMessage', 'failure_message', 'text'),
    col('inputTokens', 'input_tokens', 'integer'),
    col('outputTokens', 'output_tokens', 'integer'),
    col('costUsd', 'cost_usd', 'double precision'),
    col('outputType', 'output_type', 'text'),
  ],
};

export const GATE_RUNS_TABLE: TimelineTable<TimelineGateRun> = {
  name: 'read.gate_runs',
  keyColumns: 2,
  keyOf: gateRunKey,
  columns: [
    col('trakId', 'trak_id', 'text'),
    col('gateRunId', 'gate_run_id', 'text'),
    col('stage', 'stage', 'text'),
    col('iteration', 'iteration', 'integer'),
    col('position', 'position', 'bigint'),
    col('command', 'command', 'text'),
    col('requestedAt', 'requested_at', 'timestamptz'),
    col('endedAt', 'ended_at', 'timestamptz'),
    col('status', 'status', 'text'),
    col('passed', 'passed', 'boolean'),
    col('exitCode', 'exit_code', 'integer'),
    col('timedOut', 'timed_out', 'boolean'),
    col('output', 'output', 'text'),
  ],
};

/**
 * Applies a batch's changes to one table: the rows it changes but did not insert are read first
 * (one query), the changes are applied in order in memory, and every touched row is written
 * back whole (one statement).
 */
export async function writeChanges<Row extends { readonly endedAt: string | null }>(
  tx: Queryable,
  table: TimelineTable<Row>,
  changes: readonly RowChange<Row>[],
): Promise<void> {
  if (changes.length === 0) return;
  const inserted = new Set<string>();
  const toRead = new Set<string>();
  for (const change of changes) {
    if ('insert' in change) inserted.add(table.keyOf(change.insert));
    else if (!inserted.has(change.key)) toRead.add(change.key);
  }
  const rows = toRead.size === 0 ? new Map<string, Row>() : await readRows(tx, table, [...toRead]);
  const touched = applyRowChanges(rows, changes, table.keyOf);
  if (touched.size === 0) return;
  await upsert(tx, table, [...touched].map((key) => rows.get(key)!));
}

/** The rows of `table` with these keys, by key. */
export async function readRows<Row>(tx: Queryable, table: TimelineTable<Row>, keys: readonly string[]): Promise<Map<string, Row>> {
  const keyColumns = table.columns.slice(0, table.keyColumns);
  const parts = keys.map((key) => JSON.parse(key) as unknown[]);
  const { rows } = await tx.query(
    `SELECT ${table.columns.map((c) => c.column).join(', ')} FROM ${table.name}
     WHERE (${keyColumns.map((c) => c.column).join(', ')}) IN (SELECT * FROM unnest(${keyColumns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}))`,
    keyColumns.map((_, i) => parts.map((p) => p[i])),
  );
  const found = new Map<string, Row>();
  for (const record of rows as Record<string, unknown>[]) {
    const row = rowFrom(table, record);
    found.set(table.keyOf(row), row);
  }
  return found;
}

/** A row as the projection holds it, from a row as Postgres returns it. */
export function rowFrom<Row>(table: TimelineTable<Row>, record: Record<string, unknown>): Row {
  const row: Record<string, unknown> = {};
  for (const { field, column, type } of table.columns) {
    const value = record[column];
    row[field] = value === null || value === undefined ? null : type === 'timestamptz' ? (value as Date).toISOString() : type === 'bigint' ? Number(value) : value;
  }
  return row as Row;
}

async function upsert<Row>(tx: Queryable, table: TimelineTable<Row>, rows: readonly Row[]): Promise<void> {
  const { columns } = table;
  const names = columns.map((c) => c.column);
  const updated = columns.slice(table.keyColumns).map((c) => `${c.column} = EXCLUDED.${c.column}`);
  await tx.query(
    `INSERT INTO ${table.name} (${names.join(', ')})
     SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})
     ON CONFLICT (${names.slice(0, table.keyColumns).join(', ')}) DO UPDATE SET ${updated.join(', ')}`,
    columns.map(({ field, type }) =>
      rows.map((row) => {
        const value = row[field] as unknown;
        return type === 'jsonb' && value !== null ? JSON.stringify(value) : value;
      }),
    ),
  );
}
