import { expect } from '@jest/globals';
import type { ProjectionRunner } from '@orkestra/event-store';
import { eventually } from '@orkestra/testing';
import type pg from 'pg';

/**
 * Catches a projection up with everything appended so far. One `catchUp()` may stop short:
 * readers of the log wait behind any write transaction still open on the server (other spec
 * files run beside this one), so this repeats until the checkpoint reaches the log's last event. Several
 * runners given run side by side on each try.
 */
export async function catchUpFully(pool: pg.Pool, runners: ProjectionRunner | readonly ProjectionRunner[], name = 'read.traks'): Promise<void> {
  const { rows } = await pool.query<{ last: string }>('SELECT global_position AS last FROM messages ORDER BY transaction_id DESC, global_position DESC LIMIT 1');
  const last = Number(rows[0]?.last ?? 0);
  await eventually(async () => {
    await Promise.all((Array.isArray(runners) ? runners : [runners]).map((runner: ProjectionRunner) => runner.catchUp(name)));
    const { rows: at } = await pool.query<{ global_position: string }>('SELECT global_position FROM checkpoints WHERE name = $1', [name]);
    expect(Number(at[0]?.global_position ?? 0)).toBe(last);
  }, 10_000);
}
