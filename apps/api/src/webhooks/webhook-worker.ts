import { WakeSignal } from '@orkestra/event-store';
import type { Queryable } from '@orkestra/event-store';
import { claimDueDeliveries, failExhaustedDeliveries, nextDueInMs, recordAttempt, secretOrNew } from './webhook-deliveries.js';
import type { AttemptOutcome, ClaimedDelivery } from './webhook-deliveries.js';
import type { WebhookSender } from './webhook-sender.js';

export interface WebhookWorkerOptions {
  readonly db: Queryable;
  readonly send: WebhookSender;
  /** The wait after the first failed attempt; it doubles after each further one. */
  readonly backoffMs: number;
  /** Attempts at one delivery, the first included, before it is marked failed. */
  readonly maxAttempts: number;
  /** How long a claimed delivery stays with its worker: longer than an attempt can take. */
  readonly leaseMs: number;
  /** A signing secret for a project that has none yet. */
  readonly newSecret: () => string;
  /** Longest idle wait between looks for due deliveries (other api instances enqueue too). Default 1 s. */
  readonly pollMs?: number;
  /** Deliveries posted at once. Default 10. */
  readonly concurrency?: number;
  readonly onError?: (error: unknown) => void;
  /** A delivery that used its last attempt. */
  readonly onGaveUp?: (delivery: ClaimedDelivery, outcome: AttemptOutcome) => void;
}

/** The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed. */
export const retryDelayMs = (attempt: number, backoffMs: number): number => backoffMs * 2 ** (attempt - 1);

/**
 * Posts pending deliveries until stopped. Every api instance runs one: each round claims what is
 * due (with a lease, skipping rows others are claiming), posts it, and records the outcome.
 * Between rounds it sleeps until the next delivery falls due, the poll interval passes, or
 * `wake()` says new deliveries were recorded.
 */
export class WebhookWorker {
  private readonly signal = new WakeSignal();
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: WebhookWorkerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  wake(): void {
    this.signal.wake();
  }

  /** Stops looking for work; resolves once the posts under way have been recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signal.wake();
    await this.loop;
  }

  /** One round: claims what is due, posts it, records each outcome. Resolves with the number of attempts made. */
  async round(): Promise<number> {
    const { db, maxAttempts } = this.options;
    await failExhaustedDeliveries(db, maxAttempts);
    const claimed = await claimDueDeliveries(db, this.options.concurrency ?? 10, this.options.leaseMs, maxAttempts);
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { db, maxAttempts, backoffMs } = this.options;
    const secret = delivery.secret ?? (await secretOrNew(db, delivery.projectId, this.options.newSecret()));
    const outcome = await this.options.send({ ...delivery, secret });
    const status = await recordAttempt(db, delivery, outcome, { inMs: retryDelayMs(delivery.attempt, backoffMs), last: delivery.attempt >= maxAttempts });
    if (status === 'failed') this.options.onGaveUp?.(delivery, outcome);
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1_000;
    while (!this.stopping) {
      let attempted = 0;
      try {
        attempted = await this.round();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (this.stopping) return;
      if (attempted > 0) continue;
      const due = await nextDueInMs(this.options.db).catch(() => undefined);
      await this.signal.wait(due === undefined ? pollMs : Math.max(1, Math.min(due, pollMs)));
    }
  }
}
