import pg from 'pg';
import { WakeSignal } from './wake-signal.js';

/**
 * Wakes a log reader when an append commits (the `ork_messages` channel, fed by a trigger on
 * the messages table), so it can idle with a long poll interval and still react within a
 * millisecond or two. One dedicated connection per listener.
 */
export class LogNotifications {
  private client: pg.Client | undefined;
  private readonly signal = new WakeSignal();

  constructor(private readonly databaseUrl: string) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.signal.wake());
    // A lost listener connection only costs latency: readers fall back to their poll interval.
    client.on('error', () => this.signal.wake());
    await client.connect();
    await client.query('LISTEN ork_messages');
    this.client = client;
  }

  /** Resolves true on the next commit of an append (or one since the last wait), false after `timeoutMs`. */
  wait(timeoutMs: number): Promise<boolean> {
    return this.signal.wait(timeoutMs);
  }

  /** Ends a wait at once (used when stopping). */
  wake(): void {
    this.signal.wake();
  }

  async stop(): Promise<void> {
    this.wake();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
