// Append throughput of the Postgres event log in batches of 100, beside the raw floor of
// single-row INSERT commits on the same server, in the same run. Prints medians of several
// interleaved rounds (the machine is shared and noisy); cleans and vacuums between rounds
// because autovacuum is off on the local server.
import os from 'node:os';
import pg from 'pg';
import { PostgresEventStore, migrate } from '@orkestra/event-store';
import { testDatabase } from '@orkestra/testing';
import { createRawTable, fmt, median, rate, rawInserts } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCHES = 200; // × 100 events per round
const RAW_ROWS = 2_000;

const uuid = () => globalThis.crypto.randomUUID();

async function appendRound(store, pool) {
  const batches = Array.from({ length: BATCHES }, () =>
    Array.from({ length: 100 }, (_, i) => ({ id: uuid(), type: 'BenchEvent', data: { i, note: 'x'.repeat(64) } })),
  );
  const start = process.hrtime.bigint();
  for (const batch of batches) await store.append(`bench-${uuid()}`, batch, { expected: 'no_stream' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await pool.query('TRUNCATE messages, streams');
  await pool.query('VACUUM ANALYZE messages');
  await pool.query('VACUUM ANALYZE streams');
  return (BATCHES * 100) / seconds;
}


const database = await testDatabase(); // the server from DATABASE_URL, else the local one
try {
  const url = database.url;
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await createRawTable(pool);
  const store = new PostgresEventStore(pool);
  const append = [];
  const raw = [];
  for (let round = 0; round < ROUNDS; round++) {
    append.push(await appendRound(store, pool));
    raw.push(rate(await rawInserts(pool, RAW_ROWS)));
  }
  await pool.end();
  console.log(`append benchmark — ${os.cpus().length} cores, ${ROUNDS} rounds, medians`);
  console.log(`  event log append, batches of 100 : ${fmt(median(append))} events/s   (goal ≥ 20,000)`);
  console.log(`  raw floor, single-row INSERT     : ${fmt(median(raw))} rows/s (one commit each)`);
  console.log(`  commits/s: append ${fmt(median(append) / 100)} (100 events each) vs raw ${fmt(median(raw))} (1 row each)`);
} finally {
  await database.drop();
}
