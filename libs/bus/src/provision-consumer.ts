import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy } from '@nats-io/jetstream';
import type { ConsumerConfig, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { TopologyError, filtersOverlap } from '@orkestra/application';
import type { ConsumerSpec } from '@orkestra/application';
import type { Namespace } from './namespace.js';
import { serverAtLeast, serverVersion } from './server-version.js';

type Filter = Pick<ConsumerConfig, 'filter_subject' | 'filter_subjects'>;

/**
 * Creates the durable pull consumer (explicit acks, from the start of the stream), or brings
 * its ack wait, max deliver and filter up to `spec`. A work-queue stream refuses a consumer whose
 * filter overlaps another's; that comes back as a TopologyError naming the consumer.
 */
export async function provisionConsumer(jsm: JetStreamManager, connection: NatsConnection, namespace: Namespace, spec: ConsumerSpec): Promise<void> {
  const what = `Consumer ${spec.durable} on stream ${spec.stream}`;
  const stream = namespace.stream(spec.stream);
  const filter = filterFor(connection, namespace, spec, what);
  const wanted = { ack_wait: nanos(spec.ackWaitMs), max_deliver: spec.maxDeliver ?? -1, ...filter };
  try {
    await assertNoOverlap(jsm, stream, spec, filter, what);
    const existing = await jsm.consumers.info(stream, spec.durable).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
      throw error;
    });
    if (!existing) {
      await jsm.consumers.add(stream, { durable_name: spec.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...wanted });
      return;
    }
    const current = existing.config;
    const filterChanged = (current.filter_subject ?? '') !== (filter.filter_subject ?? '') || String(current.filter_subjects ?? []) !== String(filter.filter_subjects ?? []);
    if (filterChanged && !filter.filter_subject && !filter.filter_subjects) {
      throw new TopologyError(`${what}: its filter cannot be removed in place; delete the consumer to widen it`);
    }
    if (current.ack_wait !== wanted.ack_wait || current.max_deliver !== wanted.max_deliver || filterChanged) {
      await jsm.consumers.update(stream, spec.durable, wanted);
    }
  } catch (error) {
    if (error instanceof JetStreamApiError) {
      const reason = error.code === JetStreamApiCodes.StreamNotFound ? `stream ${spec.stream} is not provisioned` : error.message;
      throw new TopologyError(`${what}: ${reason}`, { cause: error });
    }
    throw error;
  }
}

/** nats-server 2.9 misses some overlaps (`job.*.x` against `job.a.>`), so this checks them all. */
async function assertNoOverlap(jsm: JetStreamManager, stream: string, spec: ConsumerSpec, filter: Filter, what: string): Promise<void> {
  if ((await jsm.streams.info(stream)).config.retention !== RetentionPolicy.Workqueue) return;
  for await (const other of jsm.consumers.list(stream)) {
    const name = other.config.durable_name ?? other.name;
    if (name === spec.durable) continue;
    if (filtersOverlap(filtersOf(filter), filtersOf(other.config))) {
      throw new TopologyError(`${what} overlaps consumer ${name} on work-queue stream ${spec.stream}: each message must have one consumer`);
    }
  }
}

const filtersOf = (filter: Filter): string[] => filter.filter_subjects ?? (filter.filter_subject ? [filter.filter_subject] : []);

function filterFor(connection: NatsConnection, namespace: Namespace, spec: ConsumerSpec, what: string): Filter {
  const filters = (spec.filterSubjects ?? []).map((subject) => namespace.subject(subject));
  if (filters.length === 0) return {};
  if (filters.length === 1) return { filter_subject: filters[0] };
  if (!serverAtLeast(connection, 2, 10)) {
    throw new TopologyError(
      `${what}: NATS server ${serverVersion(connection)} takes one filter subject, but ${filters.length} are given ` +
        `(${spec.filterSubjects?.join(', ')}); several filters need nats-server 2.10 or later`,
    );
  }
  return { filter_subjects: filters, filter_subject: undefined };
}
