import { ORKESTRA_EVENT_SCHEMAS, UpcastingEventStore } from '@orkestra/application';
import { eventSubject } from '@orkestra/contracts';
import type { PublishedEvent } from '@orkestra/contracts';
import type { Bus, EventSchemas, RecordedEvent } from '@orkestra/application';
import pg from 'pg';
import { readCheckpoint, storeCheckpoint } from '../checkpoints.js';
import { PostgresEventStore } from '../postgres-event-store.js';
import { ReadPacer, WakeSignal } from '../wake-signal.js';

export interface OutboxRelayOptions {
  readonly databaseUrl: string;
  readonly bus: Pick<Bus, 'publish'>;
  /** Checkpoint and lock name. Default `outbox-relay`. */
  readonly name?: string;
  /** Shown as this relay's connection name in pg_stat_activity. */
  readonly instance?: string;
  /** Upcasters applied before publishing, so subscribers only see current shapes. Default: Orkestra's. */
  readonly schemas?: EventSchemas;
  /** Events per publish round. Default 500. */
  readonly batchSize?: number;
  /** Longest idle wait when no append is announced. Default 1 s. */
  readonly pollMs?: number;
  /** How often a standby tries to take over. Default 500 ms. */
  readonly standbyRetryMs?: number;
  readonly subjectFor?: (event: RecordedEvent) => string;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Publishes every committed event to the bus, in log order, with msgId = event id.
 *
 * One relay is active at a time: it holds a session advisory lock, and reads the log, reads
 * and writes its checkpoint, and listens for appends on that same connection. When the
 * process dies the connection closes, the lock frees, and a standby takes over from the last
 * stored checkpoint; whatever the dead relay published after it is dropped by the bus as a
 * duplicate. A relay that loses its connection can therefore never write a checkpoint after
 * its successor has.
 */
export class OutboxRelay {
  private readonly name: string;
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly signal = new WakeSignal();
  private activeNow = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.name = options.name ?? 'outbox-relay';
  }

  /** True while this instance holds the lock and publishes. */
  get active(): boolean {
    return this.activeNow;
  }

  start(): void {
    this.stopping = false;
    this.running ??= this.supervise();
  }

  /** Stops publishing after the round in flight, releases the lock and the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal.wake();
    await this.running;
    this.running = undefined;
  }

  private async supervise(): Promise<void> {
    while (!this.stopping) {
      try {
        const client = await this.connect();
        try {
          if (await this.tryLock(client)) {
            this.activeNow = true;
            this.options.log?.('outbox relay active', { name: this.name });
            await this.relay(client);
          }
        } finally {
          this.activeNow = false;
          await client.end().catch(() => undefined);
        }
      } catch (error) {
        this.options.log?.('outbox relay lost its connection or failed to publish; retrying from its checkpoint', { error: String(error) });
      }
      if (!this.stopping) await this.signal.wait(this.options.standbyRetryMs ?? 500);
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: this.options.instance ?? `ork-${this.name}` });
    client.on('notification', () => this.signal.wake());
    // A dropped connection fails the relay's next query; waking it gets there sooner.
    client.on('error', () => this.signal.wake());
    await client.connect();
    return client;
  }

  private async tryLock(client: pg.Client): Promise<boolean> {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`ork:${this.name}`]);
    return rows[0]!.locked;
  }

  private async relay(client: pg.Client): Promise<void> {
    await client.query('LISTEN ork_messages');
    const store = UpcastingEventStore.over(new PostgresEventStore(client), this.options.schemas ?? ORKESTRA_EVENT_SCHEMAS);
    const batchSize = this.options.batchSize ?? 500;
    const pacer = new ReadPacer(this.options.pollMs ?? 1_000);
    let position = await readCheckpoint(client, this.name);
    let woken = false;
    while (!this.stopping) {
      const batch = await store.readAll(position, batchSize);
      if (batch.events.length > 0) {
        await this.publish(batch.events);
        position = batch.position!;
        await storeCheckpoint(client, this.name, position);
      }
      if (batch.events.length < batchSize && !this.stopping) woken = await this.signal.wait(pacer.next(batch.events.length, woken));
    }
  }

  /**
   * Sends the whole batch before awaiting any ack; the bus stores them in the order sent. If
   * one publish fails, the round is retried from the checkpoint and the ones that did land are
   * dropped as duplicates, so a retried event may be stored after later ones: subscribers
   * that care about order go by `globalPosition` / `streamPosition`.
   */
  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const subjectFor = this.options.subjectFor ?? eventSubject;
    await Promise.all(
      events.map((event) =>
        this.options.bus.publish(subjectFor(event), JSON.stringify(toPublished(event)), {
          msgId: event.id,
          headers: { 'Ork-Stream-Id': event.streamId, 'Ork-Event-Type': event.type, 'Ork-Global-Position': String(event.globalPosition) },
        }),
      ),
    );
  }
}

function toPublished(event: RecordedEvent): PublishedEvent {
  return { ...event, createdAt: event.createdAt.toISOString() };
}
