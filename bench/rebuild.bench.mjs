// Rebuild of the read.traks read model from a log of 1,000,000 events, beside the raw floors
// on the same server in the same run: a plain scan of the log (how fast the events can be
// read at all) and single-row INSERT commits. The log holds Traks made by the real decider
// (create, then rounds of agent run → artifact → reject, then approve), with 200 Traks in
// flight at a time, their events interleaved as concurrent work would leave them.
import os from 'node:os';
import pg from 'pg';
import { trakDecider } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { TraksProjection } from '@orkestra/read-models';
import { testDatabase, trakFixtures } from '@orkestra/testing';
import { createRawTable, fmt, median, rate, rawInserts } from './support.mjs';

const EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const IN_FLIGHT = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RAW_ROWS = 2_000;

/** One Trak's history, decided for real: the template every Trak of the log copies. */
function templateHistory() {
  const meta = { now: trakFixtures.NOW, actor: 'bench' };
  const commands = [trakFixtures.createTrak('TEMPLATE', 'bench-project')];
  for (let round = 1; round <= 8; round++) {
    const runId = `TEMPLATE_a0_${round}`;
    commands.push(
      { type: 'RequestAgentRun', data: { runId }, metadata: meta },
      { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'runner-1', sessionId: 'session-1' }, metadata: meta },
      { type: 'RecordAgentRunResult', data: { runId, output: { type: 'artifact', content: `Summary of round ${round}: ${'change '.repeat(40)}` }, usage: { inputTokens: 1200, outputTokens: 300, costUsd: 0.02 } }, metadata: meta },
      round < 8
        ? { type: 'Reject', data: { feedback: `Round ${round}: please also cover the error paths` }, metadata: meta }
        : { type: 'Approve', data: {}, metadata: meta },
    );
  }
  let state = trakDecider.initialState();
  const events = [];
  for (const command of commands) {
    const decided = trakDecider.decide(command, state);
    state = decided.reduce(trakDecider.evolve, state);
    events.push(...decided);
  }
  return events;
}

/** Writes the log straight into the tables (loading is not what is measured), 10k rows per statement. */
async function loadLog(pool, template) {
  const perTrak = template.length;
  const traks = Math.ceil(EVENTS / perTrak);
  const rows = [];
  const flush = async () => {
    if (rows.length === 0) return;
    await pool.query(
      `INSERT INTO messages (stream_id, stream_position, message_id, type, data)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[])`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map(() => globalThis.crypto.randomUUID()), rows.map((r) => r[2]), rows.map((r) => r[3])],
    );
    rows.length = 0;
  };
  let written = 0;
  for (let first = 0; first < traks && written < EVENTS; first += IN_FLIGHT) {
    const group = Array.from({ length: Math.min(IN_FLIGHT, traks - first) }, (_, i) => `bench${first + i}`);
    const json = template.map((e) => JSON.stringify(e.data));
    for (let position = 0; position < perTrak; position++) {
      for (const trakId of group) {
        if (written++ >= EVENTS) break;
        rows.push([`trak-${trakId}`, position + 1, template[position].type, json[position].replaceAll('TEMPLATE', trakId)]);
        if (rows.length === 10_000) await flush();
      }
    }
  }
  await flush();
  await pool.query(`INSERT INTO streams (stream_id, stream_position) SELECT stream_id, max(stream_position) FROM messages GROUP BY stream_id`);
  await pool.query('VACUUM ANALYZE messages');
  return { traks, perTrak };
}

async function scanRound(pool) {
  const store = new PostgresEventStore(pool);
  const start = process.hrtime.bigint();
  let position;
  let count = 0;
  for (;;) {
    const batch = await store.readAll(position, 5_000);
    if (batch.events.length === 0) break;
    count += batch.events.length;
    position = batch.position;
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function rebuildRound(runner) {
  const start = process.hrtime.bigint();
  const { events } = await runner.rebuild('read.traks');
  return events / (Number(process.hrtime.bigint() - start) / 1e9);
}


const database = await testDatabase();
try {
  await migrate(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {}); // connections dropped with the database at the end
  await createRawTable(pool);
  const loadStart = Date.now();
  const { traks, perTrak } = await loadLog(pool, templateHistory());
  console.log(`rebuild benchmark — ${os.cpus().length} cores; log of ${fmt(EVENTS)} events (${fmt(traks)} Traks × ${perTrak} events, ${IN_FLIGHT} in flight), loaded in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

  const runner = new ProjectionRunner({ pool, databaseUrl: database.url, projections: [new TraksProjection()], batchSize: 5_000 });
  const rebuild = [];
  const scan = [];
  const raw = [];
  for (let round = 0; round < ROUNDS; round++) {
    rebuild.push(await rebuildRound(runner));
    await pool.query('VACUUM ANALYZE read.traks');
    scan.push(await scanRound(pool));
    raw.push(rate(await rawInserts(pool, RAW_ROWS)));
  }
  const { rows } = await pool.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'Done')::int AS done FROM read.traks`);
  await pool.end();
  console.log(`  rebuild read.traks               : ${fmt(median(rebuild))} events/s   (goal ≥ 50,000; ${ROUNDS} rounds, median)`);
  console.log(`  raw floor, readAll scan of log   : ${fmt(median(scan))} events/s (batches of 5,000, no projection)`);
  console.log(`  raw floor, single-row INSERT     : ${fmt(median(raw))} rows/s (one commit each)`);
  console.log(`  read model after rebuild         : ${fmt(rows[0].n)} Traks, ${fmt(rows[0].done)} Done`);
} finally {
  await database.drop();
}
