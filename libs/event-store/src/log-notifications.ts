import pg from 'pg';

/**
 * Wakes a log reader when an append commits (the `ork_messages` channel, fed by a trigger on
 * the messages table), so it can idle with a long poll interval and still react within a
 * millisecond or two. One dedicated connection per listener.
 */
export class LogNotifications {
  private client: pg.Client | undefined;
  private waiters: (() => void)[] = [];
  private pending = false;

  constructor(private readonly databaseUrl: string) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', () => this.wake());
    // A lost listener connection only costs latency: readers fall back to their poll interval.
    client.on('error', () => this.wake());
    await client.connect();
    await client.query('LISTEN ork_messages');
    this.client = client;
  }

  /** Resolves on the next commit of an append (or one since the last wait), or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
    });
  }

  /** Ends any wait at once (used when stopping). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    if (waiters.length === 0) this.pending = true;
    for (const waiter of waiters) waiter();
  }

  async stop(): Promise<void> {
    this.wake();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
