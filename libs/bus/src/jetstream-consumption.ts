import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumeOptions, Consumption, MessageHandler } from '@orkestra/application';
import { JetStreamMessage } from './jetstream-message.js';
import type { Namespace } from './namespace.js';

/** How long one pull request waits on the server for messages before the loop asks again. */
const PULL_EXPIRES_MS = 5_000;
/** Pause after a pull fails (server restarting, consumer gone) before trying again. */
const RETRY_AFTER_MS = 1_000;

/** Where a consumption's own trouble goes: failed pulls and settles the server never got. */
export type ConsumptionFailure = (error: unknown) => void;

export interface JetStreamConsumptionContext {
  readonly connection: NatsConnection;
  readonly namespace: Namespace;
  readonly termReasons: boolean;
  readonly onFailure: ConsumptionFailure;
}

/**
 * Pulls a durable consumer's messages and runs the handler on them, never more than
 * `concurrency` at a time: each pull asks for as many messages as there are free slots, and no
 * more than a shared `capacity` has room for. Pulls already waiting on the server when the
 * capacity fills may still bring a message each; the handler has those.
 */
export class JetStreamConsumption implements Consumption {
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly retryDelayMs: number;
  private readonly loop: Promise<void>;
  private batch: ConsumerMessages | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly consumer: Consumer,
    private readonly handler: MessageHandler,
    private readonly options: ConsumeOptions,
    private readonly context: JetStreamConsumptionContext,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.unsubscribe = options.capacity?.onFree(() => this.wake?.()) ?? (() => undefined);
    this.loop = this.pull();
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.unsubscribe();
      this.wake?.();
      this.batch?.stop();
    }
    await this.loop;
    await Promise.all([...this.running]);
  }

  private async pull(): Promise<void> {
    while (!this.stopping && !this.context.connection.isClosed()) {
      // A pull asks for no more than this consumption and the shared capacity both have room for.
      const free = Math.min(this.concurrency - this.running.size, this.options.capacity?.free() ?? Infinity);
      if (free <= 0) {
        await this.sleep();
        continue;
      }
      try {
        this.batch = await this.consumer.fetch({ max_messages: free, expires: PULL_EXPIRES_MS });
        if (this.stopping) this.batch.stop();
        for await (const msg of this.batch) this.dispatch(msg);
      } catch (error) {
        if (this.stopping || this.context.connection.isClosed()) return;
        this.context.onFailure(error);
        await this.sleep(RETRY_AFTER_MS);
      } finally {
        this.batch = undefined;
      }
    }
  }

  private dispatch(msg: JsMsg): void {
    const { namespace, termReasons, onFailure } = this.context;
    const run: Promise<void> = this.run(new JetStreamMessage(msg, namespace, termReasons, onFailure)).finally(() => {
      this.running.delete(run);
      this.wake?.();
    });
    this.running.add(run);
  }

  private async run(message: JetStreamMessage): Promise<void> {
    try {
      await this.handler(message);
      message.ack();
    } catch (error) {
      try {
        this.options.onError?.(error, message);
      } catch {
        // An onError that throws must not leave the message unsettled.
      }
      message.nak(this.retryDelayMs);
    }
  }

  /** Until a handler finishes or stop() is called, or at most `ms`. */
  private sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
