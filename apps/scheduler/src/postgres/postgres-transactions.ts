import type { EventStore, TrakCommands } from '@orkestra/application';
import { PostgresEventStore, inTransaction } from '@orkestra/event-store';
import type pg from 'pg';
import type { InputScope, Transactions } from '../pipeline/ports.js';
import { PostgresJobQueue, PostgresUsageLedger } from './postgres-job-queue.js';
import { PostgresTimerStore } from './postgres-timer-store.js';

/**
 * An input's writes in one Postgres transaction: the events its commands append, the jobs and
 * timers they ask for. One commit, so one wait for the disk per input, and a job never exists
 * without the events that asked for it (nor those events without their job).
 */
export class PostgresTransactions implements Transactions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly traksOver: (store: EventStore) => TrakCommands,
  ) {}

  run<T>(work: (scope: InputScope) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (tx) =>
      work({
        traks: this.traksOver(new PostgresEventStore(tx)),
        queue: new PostgresJobQueue(tx),
        timers: new PostgresTimerStore(tx),
        usage: new PostgresUsageLedger(tx),
      }),
    );
  }
}
