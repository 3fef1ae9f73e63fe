import { DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { TopologyError } from '@orkestra/application';
import type { KeyValueBucketSpec, StreamSpec } from '@orkestra/application';
import type { Namespace } from './namespace.js';

const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;
const STREAM_NAME_IN_USE = 10058;

type StreamSettings = Partial<StreamConfig> & Pick<StreamConfig, 'name' | 'subjects' | 'retention'>;

/** The server refuses a duplicate window longer than the stream's max age. */
const duplicateWindow = (windowMs: number | undefined, maxAgeMs: number | undefined): number =>
  Math.min(windowMs ?? DEFAULT_DUPLICATE_WINDOW_MS, maxAgeMs ? maxAgeMs : Number.POSITIVE_INFINITY);

/** Creates the stream, or updates it to `spec` when it exists. */
export async function provisionStream(jsm: JetStreamManager, namespace: Namespace, spec: StreamSpec): Promise<void> {
  await createOrUpdate(jsm, `Stream ${spec.name}`, {
    name: namespace.stream(spec.name),
    subjects: spec.subjects.map((subject) => namespace.subject(subject)),
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(spec.maxAgeMs ?? 0),
    max_bytes: spec.maxBytes ?? -1,
    duplicate_window: nanos(duplicateWindow(spec.duplicateWindowMs, spec.maxAgeMs)),
  });
}

/** Creates the stream behind a key-value bucket as NATS KV lays it out (history 1), or updates its TTL. */
export async function provisionBucket(jsm: JetStreamManager, namespace: Namespace, spec: KeyValueBucketSpec): Promise<void> {
  if (!/^[A-Za-z0-9_-]+$/.test(spec.name)) throw new TopologyError(`Bucket ${JSON.stringify(spec.name)} may hold only letters, digits, - and _`);
  await createOrUpdate(jsm, `Bucket ${spec.name}`, {
    name: namespace.bucketStream(spec.name),
    subjects: [namespace.bucketSubject(spec.name)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: 1,
    max_age: nanos(spec.ttlMs ?? 0),
    duplicate_window: nanos(duplicateWindow(undefined, spec.ttlMs)),
    discard: DiscardPolicy.New,
    allow_rollup_hdrs: true,
    deny_delete: true,
    allow_direct: true,
  });
}

async function createOrUpdate(jsm: JetStreamManager, what: string, config: StreamSettings): Promise<void> {
  try {
    try {
      await jsm.streams.add(config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
      await jsm.streams.update(config.name, config);
    }
  } catch (error) {
    if (error instanceof JetStreamApiError) throw new TopologyError(`${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
