import type { EventSchemas, LogPosition } from '@orkestra/application';
import { ORKESTRA_EVENT_SCHEMAS, UpcastingEventStore } from '@orkestra/application';
import type pg from 'pg';
import { LOG_START, readCheckpoint, storeCheckpoint } from '../checkpoints.js';
import { LogNotifications } from '../log-notifications.js';
import { ReadPacer } from '../wake-signal.js';
import { PostgresEventStore } from '../postgres-event-store.js';
import { inTransaction } from '../transaction.js';
import type { Projection } from './projection.js';

export interface ProjectionRunnerOptions {
  readonly pool: pg.Pool;
  readonly databaseUrl: string;
  readonly projections: readonly Projection[];
  /** Upcasters applied to every event before a projection sees it. Default: Orkestra's. */
  readonly schemas?: EventSchemas;
  /** Events per transaction. Default 2,000. */
  readonly batchSize?: number;
  /** Longest idle wait between looks at the log when no append is announced. Default 1 s. */
  readonly pollMs?: number;
  readonly onError?: (error: unknown, projection: string) => void;
}

export interface ProjectionProgress {
  readonly events: number;
  readonly position: LogPosition;
}

/**
 * Keeps read models up to date with the log. Each batch is one transaction: lock the
 * checkpoint row, read the events after it, apply them, move the checkpoint, commit. A crash
 * rolls back both; two processes running the same projection take turns on the row lock.
 */
export class ProjectionRunner {
  private readonly batchSize: number;
  private readonly notifications: LogNotifications;
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.batchSize = options.batchSize ?? 2_000;
    this.notifications = new LogNotifications(options.databaseUrl);
  }

  /** Applies everything committed so far to one projection (all when no name is given). */
  async catchUp(name?: string): Promise<Record<string, ProjectionProgress>> {
    const progress: Record<string, ProjectionProgress> = {};
    for (const projection of this.select(name)) {
      let events = 0;
      let batch: { events: number; position: LogPosition };
      do {
        batch = await this.applyBatch(projection);
        events += batch.events;
      } while (batch.events === this.batchSize && !this.stopping);
      progress[projection.name] = { events, position: batch.position };
    }
    return progress;
  }

  /**
   * Empties a read model and replays the whole log into it. The emptying and the checkpoint
   * reset commit together; the replay then goes batch by batch, so the log's other readers
   * never wait on one long transaction. Until it finishes the read model is incomplete.
   */
  async rebuild(name: string): Promise<ProjectionProgress> {
    const [projection] = this.select(name);
    await inTransaction(this.options.pool, async (tx) => {
      await readCheckpoint(tx, projection!.name, { lock: true });
      for (const table of projection!.tables) await tx.query(`DELETE FROM ${table}`);
      await storeCheckpoint(tx, projection!.name, LOG_START);
    });
    projection!.reset?.();
    return (await this.catchUp(name))[projection!.name]!;
  }

  /** Follows the log until `stop()`: catches up, then waits for the next append to commit. */
  async start(): Promise<void> {
    await this.notifications.start();
    this.loop = (async () => {
      const pacer = new ReadPacer(this.options.pollMs ?? 1_000);
      let woken = false;
      while (!this.stopping) {
        let found = 0;
        try {
          found = Object.values(await this.catchUp()).reduce((n, p) => n + p.events, 0);
        } catch (error) {
          this.options.onError?.(error, 'projections');
        }
        if (!this.stopping) woken = await this.notifications.wait(pacer.next(found, woken));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.notifications.wake();
    await this.loop;
    await this.notifications.stop();
  }

  private async applyBatch(projection: Projection): Promise<{ events: number; position: LogPosition }> {
    const result = await inTransaction(this.options.pool, async (tx) => {
      const after = await readCheckpoint(tx, projection.name, { lock: true });
      const store = UpcastingEventStore.over(new PostgresEventStore(tx), this.options.schemas ?? ORKESTRA_EVENT_SCHEMAS);
      const batch = await store.readAll(after, this.batchSize);
      if (batch.events.length === 0) return { events: 0, position: after, committed: undefined };
      const committed = await projection.apply(tx, batch.events);
      await storeCheckpoint(tx, projection.name, batch.position!);
      return { events: batch.events.length, position: batch.position!, committed };
    }).catch((error: unknown) => {
      projection.reset?.();
      throw error;
    });
    result.committed?.();
    return { events: result.events, position: result.position };
  }

  private select(name: string | undefined): readonly Projection[] {
    if (name === undefined) return this.options.projections;
    const found = this.options.projections.filter((p) => p.name === name);
    if (found.length === 0) {
      throw new Error(`No projection named ${name}; known: ${this.options.projections.map((p) => p.name).join(', ')}`);
    }
    return found;
  }
}
