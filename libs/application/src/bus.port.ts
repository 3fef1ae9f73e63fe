/**
 * The message bus port. Implementations: NATS JetStream (`@orkestra/bus`) and in process
 * (`InProcessBus`, for the embedded mode and unit tests). Both honour the same semantics,
 * checked by one shared behaviour suite: at-least-once delivery, publish deduplicated by
 * message id inside the stream's duplicate window, explicit acks, redelivery after a nak or
 * after the ack wait, and work-queue streams where each message goes to exactly one consumer.
 * Besides durable consumers, a limits stream can be followed: read in order from a sequence,
 * without acks, for live views that resume from a cursor.
 *
 * Names here are logical (`ORK_JOBS`, `ork.job.agent.claude`). An implementation may put a
 * namespace in front of every stream, subject and bucket (tests do, to keep spec files apart)
 * and strips it again from what it hands back.
 */

/** How a stream keeps its messages. */
export type StreamRetention =
  /** Kept until they age out (or the stream is full); every durable consumer sees every message. */
  | 'limits'
  /** Removed once acknowledged; each message is delivered to one consumer only. */
  | 'workqueue';

export interface StreamSpec {
  /** Logical stream name, e.g. `ORK_EVENTS`. */
  readonly name: string;
  /** Subjects the stream captures, wildcards allowed (`ork.job.>`). */
  readonly subjects: readonly string[];
  readonly retention: StreamRetention;
  /** Messages older than this are dropped. 0 or undefined: kept forever. */
  readonly maxAgeMs?: number;
  /** Oldest messages are dropped beyond this size. Undefined: unlimited. */
  readonly maxBytes?: number;
  /** A second publish with the same message id within this window is dropped. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
}

/** A durable consumer on a stream. Processes sharing one durable share its messages. */
export interface ConsumerSpec {
  /** Logical stream name. */
  readonly stream: string;
  /** Durable consumer name, unique within the stream. */
  readonly durable: string;
  /** Only messages on these subjects; all of the stream's when empty or undefined. */
  readonly filterSubjects?: readonly string[];
  /** A delivered message not acked, nakked or `working()`-extended within this is delivered again. */
  readonly ackWaitMs: number;
  /** Deliveries before the bus gives up on a message. Undefined: unlimited. */
  readonly maxDeliver?: number;
}

export interface KeyValueBucketSpec {
  /** Logical bucket name, e.g. `ork_runners`. */
  readonly name: string;
  /** An entry not written again within this expires. Undefined: never. */
  readonly ttlMs?: number;
}

/** Everything the bus must hold before a service starts. Provisioning it is idempotent. */
export interface BusTopology {
  readonly streams: readonly StreamSpec[];
  readonly consumers: readonly ConsumerSpec[];
  readonly buckets: readonly KeyValueBucketSpec[];
}

export interface PublishOptions {
  /** Deduplication id; the bus drops a second message with the same id inside the window. */
  readonly msgId: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PublishAck {
  /** Logical name of the stream that stored the message. */
  readonly stream: string;
  readonly seq: number;
  /** True when the message id was already stored: nothing new was added. */
  readonly duplicate: boolean;
}

export interface BusMessage {
  /** Logical subject. */
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on the first delivery, 2 on the first redelivery, and so on. */
  readonly deliveryCount: number;
  /** Position in its stream. */
  readonly seq: number;
  /** The payload parsed as JSON, unchecked: parse it with its contract (`@orkestra/contracts`) before trusting it. */
  json(): unknown;
  /** Done: never deliver it again. */
  ack(): void;
  /** Not now: deliver it again after `delayMs` (at once when omitted). */
  nak(delayMs?: number): void;
  /** Still working on it: restart the ack-wait clock. */
  working(): void;
  /** Give up on it for good (poison message). NATS 2.11+ keeps the reason in its advisory; older servers drop it, so log it too. */
  term(reason?: string): void;
}

/**
 * Handles one message. Resolving without settling acks it; throwing naks it for redelivery
 * after a short delay. Settle explicitly for anything else (a delayed nak, `term`).
 */
export type MessageHandler = (message: BusMessage) => Promise<void>;

export interface ConsumeOptions {
  /** Messages handled at the same time by this process. Default 1. */
  readonly concurrency?: number;
  /** Delay before a message whose handler threw is delivered again. Default 1 second. */
  readonly retryDelayMs?: number;
  /** Called when a handler throws, before the message is nakked. */
  readonly onError?: (error: unknown, message: BusMessage) => void;
  /**
   * Room shared by several consumptions of one process (a runner's queues, one per kind of work
   * and label pool): none takes more messages than `free()` says, besides its own `concurrency`,
   * so a full process leaves messages to others instead of holding one per queue.
   */
  readonly capacity?: ConsumeCapacity;
}

/** Room for messages shared by several consumptions; see `ConsumeOptions.capacity`. */
export interface ConsumeCapacity {
  /** Messages that may be taken now. */
  free(): number;
  /** Calls `listener` whenever room frees up; returns what stops the calls. */
  onFree(listener: () => void): () => void;
}

export interface Consumption {
  /** Stops taking messages and waits for the handlers in flight to settle theirs. */
  stop(): Promise<void>;
}

export interface FollowOptions {
  /** Only messages on this subject (wildcards allowed; one subject, as NATS 2.9 takes). All of the stream's when omitted. */
  readonly filterSubject?: string;
  /**
   * Start after this stream sequence: 0 reads from the first message the stream still keeps.
   * Omitted, or beyond the stream's last sequence (a cursor from a stream since recreated):
   * only messages stored from the moment `follow()` looked at the stream. Older than what the
   * stream still keeps: `follow()` fails with `CursorExpiredError`.
   */
  readonly afterSeq?: number;
}

export interface FollowedMessage extends Pick<BusMessage, 'subject' | 'data' | 'msgId' | 'headers' | 'seq' | 'json'> {
  /** Messages matching the filter stored after this one when it was handed over; 0: caught up. */
  readonly pending: number;
}

/** Handles one followed message; the next one is not handed over before this settles. Throwing ends the following. */
export type FollowHandler = (message: FollowedMessage) => void | Promise<void>;

export interface Following {
  /** Sequence of the last message the handler finished with, or the start point before the first: the cursor to resume from. */
  readonly lastSeq: number;
  /**
   * Settles once the following has ended, and never rejects: with undefined after `stop()` or
   * the bus's `close()`, else with what ended it (the handler threw, the stream was deleted, the
   * connection closed). Resume from `lastSeq` with a new `follow()`.
   */
  readonly ended: Promise<unknown>;
  /** Hands over nothing more; resolves once the handler in flight (if any) has settled and the server side is released. */
  stop(): Promise<void>;
}

export interface KeyValueEntry<T = unknown> {
  readonly key: string;
  readonly value: T;
  /** Revision of the entry, increasing with each write to the bucket. */
  readonly revision: number;
}

/** A key-value bucket (e.g. the runner registry). Keys are subject tokens: letters, digits, `-`, `_`. */
export interface KeyValueBucket {
  put(key: string, value: unknown): Promise<number>;
  /** The entry's value as stored (JSON), unchecked: parse it with its contract before trusting it. */
  get(key: string): Promise<KeyValueEntry | undefined>;
  delete(key: string): Promise<void>;
  /** Every live (not deleted, not expired) entry. */
  entries(): Promise<KeyValueEntry[]>;
}

export interface Bus {
  /** Creates or updates the streams, consumers and buckets. Safe to call at every boot. */
  provision(topology: BusTopology): Promise<void>;
  /** Stores a message on the stream that captures `subject`; resolves once the stream has it. */
  publish(subject: string, data: Uint8Array | string, options: PublishOptions): Promise<PublishAck>;
  /** Runs `handler` for the durable consumer's messages until stopped. The consumer must be provisioned. */
  consume(stream: string, durable: string, handler: MessageHandler, options?: ConsumeOptions): Promise<Consumption>;
  /**
   * Reads a limits stream in order, each message once, without acks and without a durable
   * consumer, until stopped: for live views that resume from a cursor (the stream sequence).
   * One handler call at a time, and a slow handler holds the reading back. Fails with
   * `StreamNotFoundError`, `CursorExpiredError`, or `TopologyError` (a work-queue stream, a
   * filter outside the stream's subjects).
   */
  follow(stream: string, options: FollowOptions, handler: FollowHandler): Promise<Following>;
  /** A provisioned bucket. */
  bucket(name: string): Promise<KeyValueBucket>;
  /** Stops every consumption and following, and releases the connection. */
  close(): Promise<void>;
}
