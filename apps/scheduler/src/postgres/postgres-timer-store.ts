import type { Timer } from '@orkestra/domain';
import type { Queryable } from '@orkestra/event-store';
import type pg from 'pg';
import type { TimerStore } from '../pipeline/ports.js';

/** How long a claimed timer is left to the instance firing it before it comes due again. */
export const TIMER_LEASE_SECONDS = 30;

/** A timer that came due, claimed by the instance that fires it. */
export interface DueTimer {
  readonly timer: Timer;
  readonly dueAt: Date;
  /** The correlation id of the input that stored it, if it was stored with one. */
  readonly correlationId?: string;
}

/** Durable timers in `scheduler.timers`, stored on the pool or inside an input's transaction. */
export class PostgresTimerStore implements TimerStore {
  constructor(private readonly db: Queryable) {}

  async schedule(timer: Timer, at: string, correlationId?: string): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler.timers (timer_id, trak_id, kind, timer, due_at, correlation_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (timer_id) DO NOTHING`,
      [timer.id, timer.trakId, timer.kind, JSON.stringify(timer), at, correlationId ?? null],
    );
  }

  async clearTrak(trakId: string): Promise<void> {
    await this.db.query(`DELETE FROM scheduler.timers WHERE trak_id = $1`, [trakId]);
  }
}

/** Fires the timers of `scheduler.timers` as they come due; several scheduler instances share them. */
export class PostgresTimerFirer {
  constructor(private readonly pool: pg.Pool) {}

  /** Fires every due timer, one transaction each; says how long until the next one is due. */
  async fireDue(fire: (due: DueTimer) => Promise<void>): Promise<number | undefined> {
    let fired = true;
    while (fired) fired = await this.fireNext(fire);
    return this.nextDueInMs();
  }

  /** Milliseconds until the next armed timer is due (0 when one is due now), or undefined when none is armed. */
  async nextDueInMs(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ ms: string | null }>(
      `SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(due_at) - now())) * 1000)::bigint AS ms FROM scheduler.timers WHERE due_at IS NOT NULL`,
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Number(ms);
  }

  /**
   * Claims one due timer, runs `fire` on it, then deletes it; false when none is due. The claim is
   * a lease (the timer comes due again `TIMER_LEASE_SECONDS` later), committed before `fire` runs:
   * no lock is held meanwhile, so the input the timer starts may end the job that armed it and
   * delete the timer itself, and a scheduler that dies mid-fire leaves the timer to fire again,
   * at this or another instance. Firing is idempotent (the input's key is the timer's id).
   */
  async fireNext(fire: (due: DueTimer) => Promise<void>): Promise<boolean> {
    const { rows } = await this.pool.query<{ timer_id: string; timer: Timer; due_at: Date; correlation_id: string | null }>(
      `WITH due AS (SELECT timer_id, due_at FROM scheduler.timers WHERE due_at <= now() ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       UPDATE scheduler.timers t SET due_at = now() + make_interval(secs => ${TIMER_LEASE_SECONDS}) FROM due
        WHERE t.timer_id = due.timer_id RETURNING t.timer_id, t.timer, due.due_at, t.correlation_id`,
    );
    const row = rows[0];
    if (row === undefined) return false;
    await fire({ timer: row.timer, dueAt: row.due_at, ...(row.correlation_id !== null && { correlationId: row.correlation_id }) });
    await this.pool.query(`DELETE FROM scheduler.timers WHERE timer_id = $1`, [row.timer_id]);
    return true;
  }
}
