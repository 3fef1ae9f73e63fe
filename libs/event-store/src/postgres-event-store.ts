import { ConcurrencyError, DuplicateEventError } from '@orkestra/application';
import type { AppendResult, EventStore, ExpectedPosition, LogBatch, LogPosition, NewEvent, RecordedEvent } from '@orkestra/application';
import type { Pool, PoolClient } from 'pg';

/** A pool, or one client (e.g. inside a transaction the caller controls). */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * One statement, one round trip: move the stream's position from `expected` to `expected + n`
 * (creating the stream when expected is 0), then insert the events at the positions after it.
 * A concurrent appender that got there first makes the stream update match no row, so nothing
 * is inserted and the caller sees a concurrency error.
 */
const APPEND = `
WITH moved AS (
  INSERT INTO streams (stream_id, stream_position) VALUES ($1, $2::bigint + $3::bigint)
  ON CONFLICT (stream_id) DO UPDATE SET stream_position = EXCLUDED.stream_position, updated_at = now()
    WHERE streams.stream_position = $2::bigint
  RETURNING stream_position
)
INSERT INTO messages (stream_id, stream_position, message_id, type, data, metadata, schema_version)
SELECT $1, $2::bigint + e.ord, e.id, e.type, e.data, e.metadata, e.version
FROM moved, unnest($4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::int[]) WITH ORDINALITY AS e(id, type, data, metadata, version, ord)
ORDER BY e.ord
RETURNING global_position`;

const COLUMNS = `message_id, stream_id, stream_position, global_position, transaction_id::text AS transaction_id,
  type, data, metadata, schema_version, created_at`;

/** Only events below the oldest running transaction: one that commits late can still land before them. */
const READ_ALL = `
SELECT ${COLUMNS} FROM messages
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
-- Qualified: a bare transaction_id here would sort by the text column of the select list.
ORDER BY messages.transaction_id, messages.global_position
LIMIT $3`;

interface MessageRow {
  message_id: string;
  stream_id: string;
  stream_position: string;
  global_position: string;
  transaction_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  schema_version: number;
  created_at: Date;
}

export class PostgresEventStore implements EventStore {
  constructor(private readonly pool: Queryable) {}

  async append(streamId: string, events: readonly NewEvent[], options: { expected: ExpectedPosition }): Promise<AppendResult> {
    if (events.length === 0) return { streamPosition: await this.position(streamId), globalPositions: [] };
    const expected = options.expected === 'any' ? await this.position(streamId) : options.expected === 'no_stream' ? 0 : options.expected;
    let rows: { global_position: string }[];
    try {
      ({ rows } = await this.pool.query<{ global_position: string }>(APPEND, [
        streamId,
        expected,
        events.length,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata ?? {})),
        events.map((e) => e.schemaVersion ?? 1),
      ]));
    } catch (error) {
      if (isUniqueViolation(error, 'messages_message_id_key')) throw new DuplicateEventError(duplicateId(error) ?? events[0]!.id);
      throw error;
    }
    if (rows.length === 0) {
      const actual = await this.position(streamId);
      // 'any' lost a race with another appender: try again at the new end.
      if (options.expected === 'any') return this.append(streamId, events, options);
      throw new ConcurrencyError(streamId, options.expected, actual);
    }
    return { streamPosition: expected + events.length, globalPositions: rows.map((r) => Number(r.global_position)) };
  }

  async readStream(streamId: string, options: { fromPosition?: number } = {}) {
    const from = options.fromPosition ?? 1;
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE stream_id = $1 AND stream_position >= $2 ORDER BY stream_position`,
      [streamId, from],
    );
    const events = rows.map(toRecorded);
    // Reading to the stream's end: its last event is its position. Only an empty read past
    // the start needs to ask the streams table.
    const last = events[events.length - 1];
    const streamPosition = last !== undefined ? last.streamPosition : from <= 1 ? 0 : await this.position(streamId);
    return { streamPosition, events };
  }

  async readAll(after: LogPosition | undefined, limit: number): Promise<LogBatch> {
    const { rows } = await this.pool.query<MessageRow>(READ_ALL, [after?.transactionId ?? '0', after?.globalPosition ?? 0, limit]);
    const events = rows.map(toRecorded);
    const last = events[events.length - 1];
    return { events, position: last === undefined ? after : { transactionId: last.transactionId, globalPosition: last.globalPosition } };
  }

  private async position(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ stream_position: string }>('SELECT stream_position FROM streams WHERE stream_id = $1', [streamId]);
    return rows[0] === undefined ? 0 : Number(rows[0].stream_position);
  }
}

function toRecorded(row: MessageRow): RecordedEvent {
  return {
    id: row.message_id,
    streamId: row.stream_id,
    streamPosition: Number(row.stream_position),
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    schemaVersion: row.schema_version,
    createdAt: row.created_at,
  };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === constraint;
}

function duplicateId(error: unknown): string | undefined {
  return /\(message_id\)=\(([^)]+)\)/.exec((error as { detail?: string }).detail ?? '')?.[1];
}
