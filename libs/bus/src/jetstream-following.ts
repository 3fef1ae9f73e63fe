import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { Consumer, ConsumerConfig, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { ClosedConnectionError, nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { CursorExpiredError, StreamNotFoundError, TopologyError } from '@orkestra/application';
import type { FollowedMessage, FollowHandler, Following } from '@orkestra/application';
import { headersOf } from './jetstream-message.js';
import type { Namespace } from './namespace.js';

/**
 * Messages one pull asks for: the most a following holds in memory while its handler is slow
 * (the next pull waits until the handler is through these).
 */
const FOLLOW_BATCH = 64;
/** How long one pull waits on the server for messages before the following asks again. */
const PULL_EXPIRES_MS = 30_000;
/** The server deletes a following's consumer left without pulls this long (its process died). */
const CONSUMER_IDLE_MS = 5 * 60_000;
/** Pause after a pull fails (server restarting) before a new consumer is made. */
const RETRY_AFTER_MS = 1_000;
/** The server refuses a consumer whose filter is not within the stream's subjects. */
const FILTER_NOT_IN_STREAM = 10093;

const decoder = new TextDecoder();

export interface JetStreamFollowingContext {
  readonly connection: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: Namespace;
  /** Logical stream name. */
  readonly stream: string;
  /** Logical filter subject. */
  readonly filterSubject: string | undefined;
  /** A pull that failed; the following makes a new consumer and goes on. */
  readonly onFailure: (error: unknown) => void;
  /** Called once, when the following has ended and its consumer is released. */
  readonly onEnd: (following: JetStreamFollowing) => void;
}

/** Thrown inside the loop when a consumer skipped a delivery: it is replaced, nothing is reported. */
class DeliveryGap extends Error {}

/**
 * Follows a stream the way an ordered consumer does, kept in our hands: an ephemeral consumer
 * in memory, without acks, starting after the last message handed over. Deliveries must come
 * with consecutive delivery sequences; on a gap, a failed pull, or a lost consumer (a server
 * restart) it is replaced by a new one starting after the last message the handler finished.
 * (The client library's own ordered consumer, 3.4, stalls after a server restart: its pull
 * accounting survives the consumer it recreates.) Pulls one batch at a time, so a slow handler
 * holds the reading back.
 */
export class JetStreamFollowing implements Following {
  readonly ended: Promise<unknown>;
  private last: number;
  /** Delivery sequence of the last message the current consumer handed over. */
  private delivered = 0;
  private batch: ConsumerMessages | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  /** Starts following after `start`; fails as `Bus.follow` does when the consumer cannot be made. */
  static async open(context: JetStreamFollowingContext, start: number, handler: FollowHandler): Promise<JetStreamFollowing> {
    const consumer = await createConsumer(context, start).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === FILTER_NOT_IN_STREAM) {
        throw new TopologyError(`Following stream ${context.stream}: filter ${context.filterSubject} is outside the stream's subjects`, { cause: error });
      }
      throw error;
    });
    return new JetStreamFollowing(context, consumer, start, handler);
  }

  private constructor(
    private readonly context: JetStreamFollowingContext,
    private consumer: Consumer | undefined,
    start: number,
    private readonly handler: FollowHandler,
  ) {
    this.last = start;
    this.ended = this.run().then(async (reason) => {
      await this.release();
      context.onEnd(this);
      return reason;
    });
  }

  get lastSeq(): number {
    return this.last;
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.wake?.();
      this.batch?.stop();
    }
    await this.ended;
  }

  /** Resolves with what ended the following: undefined when stopped, else the handler's error or why reading cannot go on. */
  private async run(): Promise<unknown> {
    while (!this.stopping) {
      try {
        this.consumer ??= await this.replaceConsumer();
        this.batch = await this.consumer.fetch({ max_messages: FOLLOW_BATCH, expires: PULL_EXPIRES_MS });
        if (this.stopping) this.batch.stop();
        for await (const msg of this.batch) {
          if (this.stopping) break;
          if (msg.info.deliverySequence !== this.delivered + 1) throw new DeliveryGap();
          this.delivered = msg.info.deliverySequence;
          try {
            await this.handler(this.followed(msg));
          } catch (error) {
            return error;
          }
          this.last = msg.seq;
        }
      } catch (error) {
        if (this.stopping) break;
        if (this.context.connection.isClosed()) return new ClosedConnectionError();
        if (error instanceof CursorExpiredError) return error;
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
          return new StreamNotFoundError(this.context.stream, { cause: error });
        }
        void this.release();
        if (!(error instanceof DeliveryGap)) {
          this.context.onFailure(error);
          await this.pause(RETRY_AFTER_MS);
        }
      } finally {
        this.batch = undefined;
      }
    }
    return undefined;
  }

  private async replaceConsumer(): Promise<Consumer> {
    const consumer = await createConsumer(this.context, this.last);
    this.delivered = 0;
    return consumer;
  }

  /** Deletes the current consumer; failing that (server down), the server drops it once idle. */
  private async release(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer && !this.context.connection.isClosed()) await consumer.delete().catch(() => undefined);
  }

  private followed(msg: JsMsg): FollowedMessage {
    const { data } = msg;
    return {
      subject: this.context.namespace.strip(msg.subject),
      data,
      ...headersOf(msg),
      seq: msg.seq,
      pending: msg.info.pending,
      json: <T>() => JSON.parse(decoder.decode(data)) as T,
    };
  }

  /** Until `ms` have passed or stop() is called. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/**
 * A consumer delivering what the stream stored after `after`. Made first and checked against
 * the stream after: if the stream has by then dropped a message after `after`, that message may
 * never be delivered, so the cursor has expired (unless `after` is 0: from the first kept).
 */
async function createConsumer(context: JetStreamFollowingContext, after: number): Promise<Consumer> {
  const { jsm, js, namespace, filterSubject } = context;
  const stream = namespace.stream(context.stream);
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: after + 1,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(CONSUMER_IDLE_MS),
    // One subject as `filter_subject`: 2.9 servers refuse `filter_subjects`.
    ...(filterSubject === undefined ? {} : { filter_subject: namespace.subject(filterSubject) }),
  };
  const consumer = js.consumers.getConsumerFromInfo(await jsm.consumers.add(stream, config));
  const { state } = await jsm.streams.info(stream);
  if (after > 0 && state.first_seq > after + 1) {
    consumer.delete().catch(() => undefined);
    throw new CursorExpiredError(context.stream, after, state.first_seq);
  }
  return consumer;
}
