import type { LogPosition } from '@orkestra/application';
import type { Queryable } from './postgres-event-store.js';

export const LOG_START: LogPosition = { transactionId: '0', globalPosition: 0 };

/**
 * Reads a log reader's checkpoint, creating it at the start of the log the first time.
 * With `lock`, the row stays locked until the caller's transaction ends: a second process
 * running the same reader waits instead of applying the same batch twice.
 */
export async function readCheckpoint(q: Queryable, name: string, options: { lock?: boolean } = {}): Promise<LogPosition> {
  await q.query('INSERT INTO checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]);
  const { rows } = await q.query<{ transaction_id: string; global_position: string }>(
    `SELECT transaction_id::text AS transaction_id, global_position FROM checkpoints WHERE name = $1${options.lock === true ? ' FOR UPDATE' : ''}`,
    [name],
  );
  const row = rows[0]!;
  return { transactionId: row.transaction_id, globalPosition: Number(row.global_position) };
}

export async function storeCheckpoint(q: Queryable, name: string, position: LogPosition): Promise<void> {
  await q.query('UPDATE checkpoints SET transaction_id = $2::xid8, global_position = $3, updated_at = now() WHERE name = $1', [
    name,
    position.transactionId,
    position.globalPosition,
  ]);
}
