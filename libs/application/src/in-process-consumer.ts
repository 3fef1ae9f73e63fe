import type { ConsumerSpec } from './bus.port.js';
import { filtersAccept } from './bus.subjects.js';
import type { InProcessStream, StoredMessage } from './in-process-stream.js';

/** One delivery of a message to a consumption; `token` tells a late settle of an older delivery apart. */
export interface Delivery {
  readonly message: StoredMessage;
  readonly deliveryCount: number;
  readonly token: number;
}

/** A consumption as the consumer sees it: how many more messages it takes now, and where they go. */
export interface DeliveryTarget {
  readonly free: number;
  deliver(delivery: Delivery): void;
}

interface Pending {
  deliveries: number;
  /** 0 while the message waits for redelivery: nothing may settle it then. */
  token: number;
  ready: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A durable consumer: where it is in its stream, which messages are out for acknowledgement,
 * and which come back (ack wait elapsed, nak). Shares messages among the consumptions attached.
 */
export class InProcessConsumer {
  private cursor = 1;
  private readonly pending = new Map<number, Pending>();
  private targets: DeliveryTarget[] = [];
  private turn = 0;
  private tokens = 0;
  private scheduled = false;
  private closed = false;

  constructor(
    public spec: ConsumerSpec,
    private readonly stream: InProcessStream,
  ) {}

  attach(target: DeliveryTarget): void {
    this.targets.push(target);
    this.schedule();
  }

  detach(target: DeliveryTarget): void {
    this.targets = this.targets.filter((t) => t !== target);
  }

  /** Hands out what is available on the next microtask, so settling inside a handler never re-enters. */
  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  ack(seq: number, token: number): void {
    if (!this.current(seq, token)) return;
    this.forget(seq);
    if (this.stream.spec.retention === 'workqueue') this.stream.remove(seq);
  }

  term(seq: number, token: number): void {
    this.ack(seq, token);
  }

  nak(seq: number, token: number, delayMs: number): void {
    const pending = this.current(seq, token);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.token = 0;
    if (delayMs > 0) pending.timer = setTimeout(() => this.redeliver(seq), delayMs);
    else this.redeliver(seq);
  }

  working(seq: number, token: number): void {
    const pending = this.current(seq, token);
    if (pending) this.armAckWait(seq, pending);
  }

  close(): void {
    this.closed = true;
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
  }

  private pump(): void {
    for (;;) {
      const target = this.nextTarget();
      if (!target) return;
      const delivery = this.take();
      if (!delivery) return;
      target.deliver(delivery);
    }
  }

  private nextTarget(): DeliveryTarget | undefined {
    for (let i = 0; i < this.targets.length; i++) {
      const target = this.targets[(this.turn + i) % this.targets.length]!;
      if (target.free > 0) {
        this.turn = (this.turn + i + 1) % this.targets.length;
        return target;
      }
    }
    return undefined;
  }

  private take(): Delivery | undefined {
    for (const [seq, pending] of [...this.pending].filter(([, p]) => p.ready).sort(([a], [b]) => a - b)) {
      const message = this.stream.get(seq);
      if (message) return this.deliver(message, pending);
      this.forget(seq);
    }
    const message = this.stream.firstFrom(this.cursor, (subject) => filtersAccept(this.spec.filterSubjects, subject));
    if (!message) {
      this.cursor = this.stream.lastSeq + 1;
      return undefined;
    }
    this.cursor = message.seq + 1;
    const pending: Pending = { deliveries: 0, token: 0, ready: false, timer: undefined };
    this.pending.set(message.seq, pending);
    return this.deliver(message, pending);
  }

  private deliver(message: StoredMessage, pending: Pending): Delivery {
    pending.deliveries++;
    pending.ready = false;
    pending.token = ++this.tokens;
    this.armAckWait(message.seq, pending);
    return { message, deliveryCount: pending.deliveries, token: pending.token };
  }

  private armAckWait(seq: number, pending: Pending): void {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      pending.token = 0;
      this.redeliver(seq);
    }, this.spec.ackWaitMs);
  }

  private redeliver(seq: number): void {
    const pending = this.pending.get(seq);
    if (!pending || this.closed) return;
    if (this.spec.maxDeliver !== undefined && pending.deliveries >= this.spec.maxDeliver) {
      this.forget(seq);
      return;
    }
    pending.ready = true;
    pending.timer = undefined;
    this.schedule();
  }

  private current(seq: number, token: number): Pending | undefined {
    const pending = this.pending.get(seq);
    return pending && pending.token === token && token !== 0 ? pending : undefined;
  }

  private forget(seq: number): void {
    clearTimeout(this.pending.get(seq)?.timer);
    this.pending.delete(seq);
  }
}
