import { JetStreamApiError, JetStreamApiCodes, RetentionPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { RequestError, headers as natsHeaders } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  BucketNotFoundError,
  ConsumerNotFoundError,
  NoStreamForSubjectError,
  StreamNotFoundError,
  TopologyError,
  followStart,
} from '@orkestra/application';
import type {
  Bus,
  BusTopology,
  ConsumeOptions,
  Consumption,
  FollowHandler,
  Following,
  FollowOptions,
  KeyValueBucket,
  MessageHandler,
  PublishAck,
  PublishOptions,
} from '@orkestra/application';
import { JetStreamBucket } from './jetstream-bucket.js';
import { JetStreamConsumption } from './jetstream-consumption.js';
import { JetStreamFollowing } from './jetstream-following.js';
import { Namespace } from './namespace.js';
import { provisionConsumer } from './provision-consumer.js';
import { provisionBucket, provisionStream } from './provision-stream.js';
import { serverAtLeast } from './server-version.js';

export interface JetStreamBusOptions {
  /** Put in front of every stream, subject and bucket name on the server, and taken off what comes back. */
  readonly namespace?: string;
  /** Close (drain) the connection in `close()`. True when `connectBus` opened it. */
  readonly ownsConnection?: boolean;
  /**
   * Trouble inside a consumption that no handler sees: a pull that failed (the loop retries) or
   * a settle the server never got (it redelivers after the ack wait). Default: `console.warn`.
   */
  readonly onConsumeFailure?: (error: unknown, where: { readonly stream: string; readonly durable: string }) => void;
  /** A pull of a following that failed (the following retries it, e.g. through a server restart). Default: `console.warn`. */
  readonly onFollowFailure?: (error: unknown, where: { readonly stream: string }) => void;
}

const isApiError = (error: unknown, code: number): boolean => error instanceof JetStreamApiError && error.code === code;
const isNoResponders = (error: unknown): boolean => error instanceof Error && error.cause instanceof RequestError && error.cause.isNoResponders();

/** The Bus on NATS JetStream: durable pull consumers with explicit acks, and KV-layout buckets. */
export class JetStreamBus implements Bus {
  private readonly namespace: Namespace;
  private readonly js: JetStreamClient;
  private manager: Promise<JetStreamManager> | undefined;
  private readonly consumptions = new Set<JetStreamConsumption>();
  private readonly followings = new Set<JetStreamFollowing>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: JetStreamBusOptions = {},
  ) {
    this.namespace = new Namespace(options.namespace);
    this.js = jetstream(connection);
  }

  async provision(topology: BusTopology): Promise<void> {
    const jsm = await this.jsm();
    for (const spec of topology.streams) await provisionStream(jsm, this.namespace, spec);
    for (const spec of topology.consumers) await provisionConsumer(jsm, this.connection, this.namespace, spec);
    for (const spec of topology.buckets) await provisionBucket(jsm, this.namespace, spec);
  }

  async publish(subject: string, data: Uint8Array | string, options: PublishOptions): Promise<PublishAck> {
    const headers = natsHeaders();
    for (const [key, value] of Object.entries(options.headers ?? {})) headers.set(key, value);
    try {
      const ack = await this.js.publish(this.namespace.subject(subject), data, { msgID: options.msgId, headers });
      return { stream: this.namespace.strip(ack.stream), seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (isNoResponders(error)) throw new NoStreamForSubjectError(subject, { cause: error });
      throw error;
    }
  }

  async consume(stream: string, durable: string, handler: MessageHandler, options: ConsumeOptions = {}): Promise<Consumption> {
    const consumer = await this.js.consumers.get(this.namespace.stream(stream), durable).catch((error: unknown) => {
      if (isApiError(error, JetStreamApiCodes.ConsumerNotFound) || isApiError(error, JetStreamApiCodes.StreamNotFound)) {
        throw new ConsumerNotFoundError(stream, durable, { cause: error });
      }
      throw error;
    });
    const report = this.options.onConsumeFailure ?? warn;
    const consumption = new JetStreamConsumption(consumer, handler, options, {
      connection: this.connection,
      namespace: this.namespace,
      termReasons: serverAtLeast(this.connection, 2, 11),
      onFailure: (error) => report(error, { stream, durable }),
    });
    this.consumptions.add(consumption);
    return consumption;
  }

  async follow(stream: string, options: FollowOptions, handler: FollowHandler): Promise<Following> {
    const jsm = await this.jsm();
    const info = await jsm.streams.info(this.namespace.stream(stream)).catch((error: unknown) => {
      if (isApiError(error, JetStreamApiCodes.StreamNotFound)) throw new StreamNotFoundError(stream, { cause: error });
      throw error;
    });
    if (info.config.retention === RetentionPolicy.Workqueue) throw new TopologyError(`Stream ${stream} is a work queue: only limits streams can be followed`);
    const start = followStart(stream, options.afterSeq, { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq });
    const report = this.options.onFollowFailure ?? warnFollow;
    const following = await JetStreamFollowing.open(
      {
        connection: this.connection,
        js: this.js,
        jsm,
        namespace: this.namespace,
        stream,
        filterSubject: options.filterSubject,
        onFailure: (error) => report(error, { stream }),
        onEnd: (ended) => this.followings.delete(ended),
      },
      start,
      handler,
    );
    this.followings.add(following);
    return following;
  }

  async bucket(name: string): Promise<KeyValueBucket> {
    const jsm = await this.jsm();
    await jsm.streams.info(this.namespace.bucketStream(name)).catch((error: unknown) => {
      if (isApiError(error, JetStreamApiCodes.StreamNotFound)) throw new BucketNotFoundError(name, { cause: error });
      throw error;
    });
    return new JetStreamBucket(name, this.js, jsm, this.namespace);
  }

  /** Stops every consumption and following (waiting for handlers in flight), then drains the connection if this bus owns it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...[...this.consumptions].map((consumption) => consumption.stop()), ...[...this.followings].map((following) => following.stop())]);
      this.consumptions.clear();
      if (this.options.ownsConnection && !this.connection.isClosed()) await this.connection.drain();
    })();
    return this.closing;
  }

  private jsm(): Promise<JetStreamManager> {
    this.manager ??= jetstreamManager(this.connection, { checkAPI: false });
    return this.manager;
  }
}

function warnFollow(error: unknown, where: { readonly stream: string }): void {
  console.warn(`Bus following of ${where.stream}:`, error);
}

function warn(error: unknown, where: { readonly stream: string; readonly durable: string }): void {
  console.warn(`Bus consumption of ${where.durable} on ${where.stream}:`, error);
}
