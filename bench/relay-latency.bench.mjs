// Relay latency: from the moment an append is issued until a JetStream consumer has the event
// (commit, NOTIFY, relay read, publish with msgId, delivery). Beside it, in the same run and
// interleaved round by round, the raw floors on this machine: a single-row INSERT commit, and
// a raw JetStream publish → pull-consumer delivery with @nats-io/jetstream alone.
import os from 'node:os';
import pg from 'pg';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '@orkestra/contracts';
import { JetStreamBus } from '@orkestra/bus';
import { OutboxRelay, PostgresEventStore, migrate } from '@orkestra/event-store';
import { testDatabase, testNats } from '@orkestra/testing';
import { createRawTable, nowMs, rawInserts } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 400); // per round and kind
const WARMUP = 100;

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (n) => `${n.toFixed(2)} ms`;

/** Resolves the waiter registered for an id when the consumer sees it. */
function arrivals() {
  const waiting = new Map();
  return {
    expect(id) {
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    arrived(id) {
      const resolve = waiting.get(id);
      waiting.delete(id);
      resolve?.(nowMs());
    },
  };
}

async function relayRound(store, seen, samples) {
  const latencies = [];
  for (let i = 0; i < samples; i++) {
    const id = globalThis.crypto.randomUUID();
    const delivered = seen.expect(id);
    const start = nowMs();
    await store.append(`bench-${id}`, [{ id, type: 'BenchEvent', data: { i } }], { expected: 'no_stream' });
    latencies.push((await delivered) - start);
  }
  return latencies;
}


async function jetstreamRound(js, subject, seen, samples) {
  const latencies = [];
  for (let i = 0; i < samples; i++) {
    const id = globalThis.crypto.randomUUID();
    const delivered = seen.expect(id);
    const start = nowMs();
    await js.publish(subject, id, { msgID: id });
    latencies.push((await delivered) - start);
  }
  return latencies;
}

const database = await testDatabase();
const nats = await testNats();
try {
  await migrate(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {});
  await createRawTable(pool);
  const store = new PostgresEventStore(pool);

  // The relay and a consumer of ORK_EVENTS through our adapter.
  const bus = new JetStreamBus(nats.connection, { namespace: nats.prefix });
  await bus.provision({ streams: [EVENTS_STREAM], consumers: [{ stream: EVENTS_STREAM.name, durable: 'bench', ackWaitMs: 30_000 }], buckets: [] });
  const relaySeen = arrivals();
  const consumption = await bus.consume(EVENTS_STREAM.name, 'bench', async (message) => relaySeen.arrived(message.msgId), { concurrency: 16 });
  const relay = new OutboxRelay({ databaseUrl: database.url, bus, pollMs: 1_000 });
  relay.start();

  // The raw floor: @nats-io/jetstream alone, its own stream and pull consumer.
  const jsm = await jetstreamManager(nats.connection);
  const rawStream = `${nats.prefix}RAW`;
  const rawSubject = `${nats.prefix}raw.bench`;
  await jsm.streams.add({ name: rawStream, subjects: [rawSubject] });
  await jsm.consumers.add(rawStream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
  const js = jetstream(nats.connection);
  const rawSeen = arrivals();
  const rawMessages = await (await js.consumers.get(rawStream, 'raw')).consume();
  (async () => {
    for await (const message of rawMessages) {
      rawSeen.arrived(message.string());
      message.ack();
    }
  })();

  await relayRound(store, relaySeen, WARMUP);
  await jetstreamRound(js, rawSubject, rawSeen, WARMUP);
  const relayed = [];
  const inserts = [];
  const raw = [];
  for (let round = 0; round < ROUNDS; round++) {
    relayed.push(...(await relayRound(store, relaySeen, SAMPLES)));
    inserts.push(...(await rawInserts(pool, SAMPLES)));
    raw.push(...(await jetstreamRound(js, rawSubject, rawSeen, SAMPLES)));
  }

  await relay.stop();
  await consumption.stop();
  await rawMessages.close();
  await pool.end();
  const line = (label, xs) => `${label}: p50 ${ms(percentile(xs, 50))}, p99 ${ms(percentile(xs, 99))}, max ${ms(Math.max(...xs))}`;
  console.log(`relay latency benchmark — ${os.cpus().length} cores, ${ROUNDS} interleaved rounds × ${SAMPLES} samples each`);
  console.log(`  ${line('append → consumer via relay (goal p99 ≤ 10 ms)', relayed)}`);
  console.log(`  ${line('raw floor, single-row INSERT commit            ', inserts)}`);
  console.log(`  ${line('raw floor, JetStream publish → pull consumer   ', raw)}`);
} finally {
  await nats.cleanup();
  await database.drop();
}
