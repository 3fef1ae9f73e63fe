// Subscription fan-out: 1,000 graphql-ws subscribers of one project; an event appended to the
// log → delivered to every subscriber (through the outbox relay, NATS and the api's shared feed),
// p50/p99 over every delivery, and the time until the last subscriber has it. Beside it, in the
// same run and interleaved: the floor of a raw NATS publish → a plain `ws` server that
// broadcasts it → the same number of plain WebSocket clients.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { trakCommands } from '@orkestra/application';
import { connectBus } from '@orkestra/bus';
import { OutboxRelay, PostgresEventStore } from '@orkestra/event-store';
import { bareRemote, testDatabase, testNats } from '@orkestra/testing';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
import { createApp, loadApiConfig } from '../apps/api/dist/index.js';
import { median, nowMs } from './support.mjs';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SAMPLES = Number(process.env.BENCH_FANOUT_SAMPLES ?? 20); // events per round and kind

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** Waits until `count` arrivals of sample `id` were recorded; returns each one's latency from `start`. */
function tracker() {
  const arrivals = new Map();
  return {
    arrived(id) {
      const list = arrivals.get(id) ?? [];
      list.push(nowMs());
      arrivals.set(id, list);
    },
    async collect(id, count, start) {
      const deadline = nowMs() + 30_000;
      while ((arrivals.get(id)?.length ?? 0) < count) {
        if (nowMs() > deadline) throw new Error(`only ${arrivals.get(id)?.length ?? 0} of ${count} deliveries of ${id} arrived`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const latencies = arrivals.get(id).map((t) => t - start);
      arrivals.delete(id);
      return latencies;
    },
  };
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'ork-bench-fanout-'));
const database = await testDatabase();
const nats = await testNats();
let adminToken;
const app = await createApp(
  loadApiConfig({ ORK_API_PORT: '0', ORK_API_DATABASE_URL: database.url, ORK_API_DATA_DIR: path.join(dir, 'api'), ORK_API_NATS_URL: nats.url, ORK_API_NATS_NAMESPACE: nats.prefix }),
  { logger: false, onAdminToken: (token) => (adminToken = token) },
);
const url = await app.getUrl();
const bus = await connectBus({ servers: nats.url, namespace: nats.prefix });
const relay = new OutboxRelay({ databaseUrl: database.url, bus, pollMs: 50 });
relay.start();
const raw = await connect({ servers: nats.url });
const pool = new pg.Pool({ connectionString: database.url, max: 2 });
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
const clients = [];
const sockets = [];

const gql = async (query, variables = {}) => {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

try {
  const remote = await bareRemote(path.join(dir, 'remote'), {
    '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: work\n        artifact: summary\n    integration:\n      on_failure: work\n',
    '.orkestra/agents/work.md': 'Work.',
  });
  await gql('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id: 'bench', name: 'Bench', remote } });
  const { createTrak } = await gql('mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }', { input: { project: 'bench', title: 'Fan-out', description: '' } });
  const trakId = createTrak.id;
  const commands = trakCommands({ store: new PostgresEventStore(pool) });

  // The api's subscribers: each its own socket, as separate browser tabs or CLIs would be.
  const api = tracker();
  let subscribed = 0;
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const client = createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${adminToken}` }, lazy: false, retryAttempts: 0 });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { trakUpdated(project: "bench") { cursor event trak { id autoMode version } } }' },
      { next: (result) => api.arrived(String(result.data.trakUpdated.trak.version)), error: (error) => console.error('subscriber failed', error), complete: () => undefined },
    );
    subscribed++;
  }
  // The floor's subscribers: plain WebSocket clients of a server that broadcasts what NATS brings.
  const floor = tracker();
  const subject = `${nats.prefix}bench.fanout`;
  raw.subscribe(subject, { callback: (_error, message) => {
    const text = message.string();
    for (const socket of wss.clients) socket.send(text);
  } });
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const socket = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
    socket.on('message', (data) => floor.arrived(data.toString()));
    sockets.push(socket);
    await new Promise((resolve) => socket.once('open', resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // every subscription in place

  let enabled = false;
  let version = 2;
  const apiSample = async () => {
    enabled = !enabled;
    version++;
    const start = nowMs();
    await commands.handle(trakId, { type: 'SetAutoMode', data: { enabled } }, { actor: 'bench' });
    return api.collect(String(version), SUBSCRIBERS, start);
  };
  let n = 0;
  const floorSample = async () => {
    const id = `f${n++}`;
    const start = nowMs();
    raw.publish(subject, id);
    return floor.collect(id, SUBSCRIBERS, start);
  };
  // Warm-up: the first events through a fresh process pay for compiling the paths they take.
  for (let i = 0; i < 10; i++) {
    await apiSample();
    await floorSample();
  }

  const results = { api: { all: [], last: [] }, floor: { all: [], last: [] } };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [kind, sample] of [['api', apiSample], ['floor', floorSample]]) {
      for (let i = 0; i < SAMPLES; i++) {
        const latencies = await sample();
        results[kind].all.push(...latencies);
        results[kind].last.push(Math.max(...latencies));
      }
    }
  }
  if (process.env.BENCH_SHOW_SAMPLES) console.log("api last per event:", results.api.last.map((x) => x.toFixed(0)).join(" "));
  const show = (kind) => `p50 ${percentile(results[kind].all, 50).toFixed(1)} ms, p99 ${percentile(results[kind].all, 99).toFixed(1)} ms; last subscriber p50 ${median(results[kind].last).toFixed(1)} ms, slowest ${Math.max(...results[kind].last).toFixed(1)} ms`;
  console.log(`\nsubscription fan-out to ${subscribed} subscribers of one project (${ROUNDS} rounds × ${SAMPLES} events; ${os.cpus().length} cores)`);
  console.log('| path | every delivery | ');
  console.log('| --- | --- |');
  console.log(`| event appended → graphql-ws subscribers (relay, NATS, api feed) | ${show('api')} |`);
  console.log(`| floor: raw NATS publish → ws broadcast → plain WebSocket clients | ${show('floor')} |`);
  console.log(`goal p99 ≤ 100 ms: ${percentile(results.api.all, 99) <= 100 ? 'met' : 'MISSED'}`);
} finally {
  for (const socket of sockets) socket.terminate();
  await Promise.all(clients.map((c) => c.dispose()));
  wss.close();
  await raw.close();
  await relay.stop();
  await pool.end();
  await app.close();
  await bus.close();
  await nats.cleanup();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
}
