import type { JsMsg } from '@nats-io/jetstream';
import type { BusMessage } from '@orkestra/application';
import type { Namespace } from './namespace.js';

const MSG_ID_HEADER = 'Nats-Msg-Id';
const decoder = new TextDecoder();

/** The application headers of a message (the message id apart) and its message id. */
export function headersOf(msg: JsMsg): { readonly headers: Readonly<Record<string, string>>; readonly msgId: string | undefined } {
  const headers: Record<string, string> = {};
  for (const [key, values] of msg.headers ?? []) if (key !== MSG_ID_HEADER && values[0] !== undefined) headers[key] = values[0];
  return { headers, msgId: msg.headers?.get(MSG_ID_HEADER) || undefined };
}

/** What a message does when the server cannot be told about a settle (the connection is gone). */
export type SettleFailure = (error: unknown) => void;

/**
 * A JetStream message as the Bus hands it out. The first ack, nak or term settles it and later
 * ones do nothing. A settle that cannot reach the server is reported, not thrown: the server
 * redelivers the message after its ack wait anyway.
 */
export class JetStreamMessage implements BusMessage {
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly deliveryCount: number;
  readonly seq: number;
  private done = false;

  constructor(
    private readonly msg: JsMsg,
    namespace: Namespace,
    private readonly termReasons: boolean,
    private readonly onSettleFailure: SettleFailure,
  ) {
    this.subject = namespace.strip(msg.subject);
    ({ headers: this.headers, msgId: this.msgId } = headersOf(msg));
    this.deliveryCount = msg.info.deliveryCount;
    this.seq = msg.seq;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get settled(): boolean {
    return this.done;
  }

  json(): unknown {
    return JSON.parse(decoder.decode(this.msg.data)) as unknown;
  }

  ack(): void {
    this.settle(() => this.msg.ack());
  }

  nak(delayMs?: number): void {
    this.settle(() => this.msg.nak(delayMs));
  }

  working(): void {
    if (!this.done) this.tell(() => this.msg.working());
  }

  /** Servers before 2.11 ignore a term that carries a reason (the message comes back), so it is left off there. */
  term(reason?: string): void {
    this.settle(() => this.msg.term(this.termReasons ? reason : undefined));
  }

  private settle(send: () => void): void {
    if (this.done) return;
    this.done = true;
    this.tell(send);
  }

  private tell(send: () => void): void {
    try {
      send();
    } catch (error) {
      this.onSettleFailure(error);
    }
  }
}
