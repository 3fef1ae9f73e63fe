import type { BusMessage } from './bus.port.js';
import type { Delivery, InProcessConsumer } from './in-process-consumer.js';

const decoder = new TextDecoder();

/** One delivery handed to a handler; the first ack, nak or term settles it and later ones do nothing. */
export class InProcessMessage implements BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly deliveryCount: number;
  readonly seq: number;
  private readonly token: number;
  private done = false;

  constructor(
    delivery: Delivery,
    private readonly consumer: InProcessConsumer,
  ) {
    const { message } = delivery;
    this.subject = message.subject;
    this.data = message.data.slice();
    this.msgId = message.msgId;
    this.headers = { ...message.headers };
    this.deliveryCount = delivery.deliveryCount;
    this.seq = message.seq;
    this.token = delivery.token;
  }

  get settled(): boolean {
    return this.done;
  }

  json(): unknown {
    return JSON.parse(decoder.decode(this.data)) as unknown;
  }

  ack(): void {
    if (this.settle()) this.consumer.ack(this.seq, this.token);
  }

  nak(delayMs = 0): void {
    if (this.settle()) this.consumer.nak(this.seq, this.token, delayMs);
  }

  working(): void {
    if (!this.done) this.consumer.working(this.seq, this.token);
  }

  term(_reason?: string): void {
    if (this.settle()) this.consumer.term(this.seq, this.token);
  }

  private settle(): boolean {
    if (this.done) return false;
    this.done = true;
    return true;
  }
}
