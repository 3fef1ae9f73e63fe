import type { CommandHandler, EventStore } from '@orkestra/application';
import { PostgresEventStore } from '@orkestra/event-store';
import type { TrakCommand, TrakState } from '@orkestra/domain';
import type pg from 'pg';
import type { InputScope, Transactions } from '../pipeline/ports.js';
import { PostgresJobQueue, PostgresUsageLedger } from './postgres-job-queue.js';
import { PostgresTimerStore } from './postgres-timer-store.js';

/**
 * An input's writes in one Postgres transaction: the events its commands append, the jobs and
 * timers they ask for. One commit, so one wait for the disk per input, and a job never exists
 * without the events that asked for it (nor those events without their job).
 *
 * The work must not wait for another client of the same pool while it holds this one.
 */
export class PostgresTransactions implements Transactions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly handlerOver: (store: EventStore) => CommandHandler<TrakState, TrakCommand>,
  ) {}

  async run<T>(work: (scope: InputScope) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        handle: this.handlerOver(new PostgresEventStore(client)),
        queue: new PostgresJobQueue(client),
        timers: new PostgresTimerStore(client),
        usage: new PostgresUsageLedger(client),
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
