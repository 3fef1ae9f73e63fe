import type { ConsumeOptions, Consumption, MessageHandler } from './bus.port.js';
import type { Delivery, DeliveryTarget, InProcessConsumer } from './in-process-consumer.js';
import { InProcessMessage } from './in-process-message.js';

/** Runs a handler for one process's share of a durable consumer, at most `concurrency` at a time. */
export class InProcessConsumption implements Consumption, DeliveryTarget {
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly retryDelayMs: number;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly consumer: InProcessConsumer,
    private readonly handler: MessageHandler,
    private readonly options: ConsumeOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.unsubscribe = options.capacity?.onFree(() => consumer.schedule()) ?? (() => undefined);
    consumer.attach(this);
  }

  get free(): number {
    if (this.stopped) return 0;
    return Math.min(this.concurrency - this.running.size, this.options.capacity?.free() ?? Infinity);
  }

  deliver(delivery: Delivery): void {
    const run: Promise<void> = this.run(new InProcessMessage(delivery, this.consumer)).finally(() => {
      this.running.delete(run);
      this.consumer.schedule();
    });
    this.running.add(run);
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.unsubscribe();
      this.consumer.detach(this);
    }
    await Promise.all([...this.running]);
  }

  private async run(message: InProcessMessage): Promise<void> {
    try {
      await this.handler(message);
      message.ack();
    } catch (error) {
      this.report(error, message);
      message.nak(this.retryDelayMs);
    }
  }

  private report(error: unknown, message: InProcessMessage): void {
    try {
      this.options.onError?.(error, message);
    } catch {
      // An onError that throws must not leave the message unsettled.
    }
  }
}
