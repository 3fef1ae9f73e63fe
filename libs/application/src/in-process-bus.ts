import { BucketNotFoundError, ConsumerNotFoundError, NoStreamForSubjectError, StreamNotFoundError, TopologyError } from './bus.errors.js';
import { followStart } from './bus.follow.js';
import type {
  Bus,
  BusTopology,
  ConsumeOptions,
  ConsumerSpec,
  Consumption,
  FollowHandler,
  Following,
  FollowOptions,
  KeyValueBucket,
  MessageHandler,
  PublishAck,
  PublishOptions,
  StreamSpec,
} from './bus.port.js';
import { filtersOverlap, subjectMatches, subjectsOverlap } from './bus.subjects.js';
import { InProcessBucket } from './in-process-bucket.js';
import { InProcessConsumer } from './in-process-consumer.js';
import { InProcessConsumption } from './in-process-consumption.js';
import { InProcessFollowing } from './in-process-following.js';
import { InProcessStream } from './in-process-stream.js';

export interface InProcessBusOptions {
  /** Clock for message age, duplicate windows and bucket TTLs. Redelivery uses real timers. */
  readonly now?: () => number;
}

interface StreamEntry {
  readonly stream: InProcessStream;
  readonly consumers: Map<string, InProcessConsumer>;
  readonly followings: Set<InProcessFollowing>;
}

const encoder = new TextEncoder();

/**
 * The bus in memory, for the embedded mode and unit tests, with JetStream's semantics: streams
 * capture subjects, publishes are deduplicated by message id, every durable of a limits stream
 * sees every message, a work-queue stream gives each message to one consumer and drops it once
 * acked, unacked messages come back after the ack wait, and a limits stream can be followed
 * from a sequence.
 */
export class InProcessBus implements Bus {
  private readonly streams = new Map<string, StreamEntry>();
  private readonly buckets = new Map<string, InProcessBucket>();
  private readonly consumptions = new Set<InProcessConsumption>();
  private readonly now: () => number;

  constructor(options: InProcessBusOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async provision(topology: BusTopology): Promise<void> {
    for (const spec of topology.streams) this.provisionStream(spec);
    for (const spec of topology.consumers) this.provisionConsumer(spec);
    for (const spec of topology.buckets) {
      const bucket = this.buckets.get(spec.name);
      if (bucket) bucket.spec = spec;
      else this.buckets.set(spec.name, new InProcessBucket(spec, this.now));
    }
  }

  async publish(subject: string, data: Uint8Array | string, options: PublishOptions): Promise<PublishAck> {
    const entry = [...this.streams.values()].find(({ stream }) => stream.captures(subject));
    if (!entry) throw new NoStreamForSubjectError(subject);
    const ack = entry.stream.store(subject, typeof data === 'string' ? encoder.encode(data) : data, options);
    if (!ack.duplicate) {
      for (const consumer of entry.consumers.values()) consumer.schedule();
      for (const following of entry.followings) following.notify();
    }
    return ack;
  }

  async consume(stream: string, durable: string, handler: MessageHandler, options?: ConsumeOptions): Promise<Consumption> {
    const consumer = this.streams.get(stream)?.consumers.get(durable);
    if (!consumer) throw new ConsumerNotFoundError(stream, durable);
    const consumption = new InProcessConsumption(consumer, handler, options);
    this.consumptions.add(consumption);
    return consumption;
  }

  async follow(stream: string, options: FollowOptions, handler: FollowHandler): Promise<Following> {
    const entry = this.streams.get(stream);
    if (!entry) throw new StreamNotFoundError(stream);
    const { spec } = entry.stream;
    if (spec.retention === 'workqueue') throw new TopologyError(`Stream ${stream} is a work queue: only limits streams can be followed`);
    const filter = options.filterSubject;
    if (filter !== undefined && !spec.subjects.some((subject) => subjectsOverlap(filter, subject))) {
      throw new TopologyError(`Following stream ${stream}: filter ${filter} is outside the stream's subjects`);
    }
    const start = followStart(stream, options.afterSeq, entry.stream.bounds());
    const accepts = filter === undefined ? () => true : (subject: string) => subjectMatches(filter, subject);
    const following: InProcessFollowing = new InProcessFollowing(entry.stream, accepts, start, handler, () => entry.followings.delete(following));
    entry.followings.add(following);
    return following;
  }

  async bucket(name: string): Promise<KeyValueBucket> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new BucketNotFoundError(name);
    return bucket;
  }

  async close(): Promise<void> {
    const followings = [...this.streams.values()].flatMap((entry) => [...entry.followings]);
    await Promise.all([...[...this.consumptions].map((consumption) => consumption.stop()), ...followings.map((following) => following.stop())]);
    this.consumptions.clear();
    for (const { consumers } of this.streams.values()) for (const consumer of consumers.values()) consumer.close();
  }

  private provisionStream(spec: StreamSpec): void {
    for (const { stream } of this.streams.values()) {
      if (stream.spec.name === spec.name) continue;
      const shared = spec.subjects.find((mine) => stream.spec.subjects.some((theirs) => subjectsOverlap(mine, theirs)));
      if (shared) throw new TopologyError(`Stream ${spec.name}: subject ${shared} overlaps stream ${stream.spec.name}`);
    }
    const existing = this.streams.get(spec.name);
    if (!existing) {
      this.streams.set(spec.name, { stream: new InProcessStream(spec, this.now), consumers: new Map(), followings: new Set() });
      return;
    }
    if (existing.stream.spec.retention !== spec.retention) {
      throw new TopologyError(`Stream ${spec.name}: retention cannot change from ${existing.stream.spec.retention} to ${spec.retention}`);
    }
    existing.stream.spec = spec;
  }

  private provisionConsumer(spec: ConsumerSpec): void {
    const entry = this.streams.get(spec.stream);
    if (!entry) throw new TopologyError(`Consumer ${spec.durable}: stream ${spec.stream} is not provisioned`);
    const { stream, consumers } = entry;
    const outside = spec.filterSubjects?.find((filter) => !stream.spec.subjects.some((subject) => subjectsOverlap(filter, subject)));
    if (outside) throw new TopologyError(`Consumer ${spec.durable} on stream ${spec.stream}: filter ${outside} is outside the stream's subjects`);
    if (stream.spec.retention === 'workqueue') {
      for (const [durable, other] of consumers) {
        if (durable !== spec.durable && filtersOverlap(spec.filterSubjects, other.spec.filterSubjects)) {
          throw new TopologyError(
            `Consumer ${spec.durable} on work-queue stream ${spec.stream} overlaps consumer ${durable}: each message must have one consumer`,
          );
        }
      }
    }
    const existing = consumers.get(spec.durable);
    if (existing) existing.spec = spec;
    else consumers.set(spec.durable, new InProcessConsumer(spec, stream));
  }
}
