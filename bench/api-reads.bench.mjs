// The api's reads under a steady load: `trak(id)` and a 50-Trak `traks` page over HTTP at a fixed
// rate (200 requests/s), p50/p99, beside the floor in the same run: a bare node:http handler doing
// the same read with pg (the Trak's stream for `trak(id)`, the read model's page for `traks`).
// Rounds are interleaved; latency runs from each request's scheduled start (open loop), so a
// stall is not hidden by requests that were never sent.
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bareRemote, testDatabase } from '@orkestra/testing';
import { createApp, loadApiConfig } from '../apps/api/dist/index.js';
import { median, nowMs } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_API_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const TRAKS = 60;

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function request(url, { method = 'GET', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(parts).toString().slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `send(i)` at RATE per second for SECONDS; returns each latency in ms, measured from its scheduled start. */
async function steadyLoad(send) {
  const total = RATE * SECONDS;
  const interval = 1000 / RATE;
  const latencies = [];
  const start = nowMs();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - nowMs();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(i).then(() => latencies.push(nowMs() - due)));
  }
  await Promise.all(pending);
  return latencies;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'ork-bench-api-'));
const database = await testDatabase();
let adminToken;
const app = await createApp(loadApiConfig({ ORK_API_PORT: '0', ORK_API_DATABASE_URL: database.url, ORK_API_DATA_DIR: path.join(dir, 'api') }), {
  logger: false,
  onAdminToken: (token) => (adminToken = token),
});
const url = await app.getUrl();
const pool = new pg.Pool({ connectionString: database.url, max: 10 });

const gql = async (query, variables = {}) => {
  const body = JSON.parse((await request(`${url}/graphql`, { method: 'POST', body: JSON.stringify({ query, variables }), headers: { authorization: `Bearer ${adminToken}` } })).toString());
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

const floor = http.createServer(async (req, res) => {
  const at = new URL(req.url, 'http://floor');
  const { rows } =
    at.pathname === '/trak'
      ? await pool.query('SELECT type, data, stream_position FROM messages WHERE stream_id = $1 ORDER BY stream_position', [`trak-${at.searchParams.get('id')}`])
      : await pool.query('SELECT trak_id, state, stream_position, updated_at FROM read.traks WHERE project_id = ANY($1) ORDER BY created_at DESC, trak_id DESC LIMIT 51', [['bench']]);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(rows));
});
await new Promise((resolve) => floor.listen(0, '127.0.0.1', resolve));
const floorUrl = `http://127.0.0.1:${floor.address().port}`;

try {
  const remote = await bareRemote(path.join(dir, 'remote'), {
    '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: plan\n        artifact: plan\n      - name: work\n        artifact: summary\n    integration:\n      on_failure: work\n',
    '.orkestra/agents/plan.md': 'Plan.',
    '.orkestra/agents/work.md': 'Work.',
  });
  await gql('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id: 'bench', name: 'Bench', remote } });
  const ids = [];
  for (let i = 0; i < TRAKS; i++) {
    const { createTrak } = await gql('mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }', {
      input: { project: 'bench', title: `Trak ${i}`, description: `Benchmark Trak number ${i}, with a description of a realistic length.`.repeat(3) },
    });
    ids.push(createTrak.id);
  }
  for (;;) {
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM read.traks WHERE project_id = 'bench'");
    if (rows[0].n === TRAKS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const TRAK = 'query($id: ID!) { trak(id: $id) { id title status stage iteration needsHuman { kind detail } flow { name stages { name artifact } } artifacts { name content } usage { costUsd } updatedAt version } }';
  const PAGE = '{ traks(filter: { project: "bench" }, first: 50) { edges { cursor node { id title status stage needsHuman { kind } updatedAt } } pageInfo { hasNextPage endCursor } } }';
  const post = (query, variables) => request(`${url}/graphql`, { method: 'POST', body: JSON.stringify({ query, variables }), headers: { authorization: `Bearer ${adminToken}` } });
  const kinds = {
    'trak(id) floor': (i) => request(`${floorUrl}/trak?id=${ids[i % ids.length]}`),
    'trak(id) api': (i) => post(TRAK, { id: ids[i % ids.length] }),
    'traks page floor': () => request(`${floorUrl}/traks`),
    'traks page api': () => post(PAGE, {}),
  };
  for (const send of Object.values(kinds)) for (let i = 0; i < 100; i++) await send(i); // warm-up
  const results = Object.fromEntries(Object.keys(kinds).map((k) => [k, { p50: [], p99: [] }]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [kind, send] of Object.entries(kinds)) {
      const latencies = await steadyLoad(send);
      results[kind].p50.push(percentile(latencies, 50));
      results[kind].p99.push(percentile(latencies, 99));
    }
  }
  const row = (kind) => `p50 ${median(results[kind].p50).toFixed(2)} ms, p99 ${median(results[kind].p99).toFixed(2)} ms`;
  console.log(`\napi reads at ${RATE} requests/s over HTTP (${ROUNDS} rounds of ${SECONDS} s, medians; ${os.cpus().length} cores)`);
  console.log('| read | api | floor (node:http + pg, same read) |');
  console.log('| --- | --- | --- |');
  console.log(`| trak(id) | ${row('trak(id) api')} | ${row('trak(id) floor')} |`);
  console.log(`| traks, page of 50 | ${row('traks page api')} | ${row('traks page floor')} |`);
  for (const read of ['trak(id)', 'traks page']) {
    const api = results[`${read} api`];
    const base = results[`${read} floor`];
    const p99Ok = median(api.p99) <= 20;
    const ratio = median(api.p50) / median(base.p50);
    console.log(`${read}: p99 ≤ 20 ms ${p99Ok ? 'met' : 'MISSED'}; p50 is ${ratio.toFixed(1)}× the floor (goal ≤ 3×: ${ratio <= 3 ? 'met' : 'MISSED'})`);
  }
} finally {
  floor.close();
  agent.destroy();
  await app.close();
  await pool.end();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
}
