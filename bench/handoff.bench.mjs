// Stage hand-off latency: from the commit of the scheduler's command that records a runner's
// result (the append holding AgentRunCompleted) until a runner's consumer of ORK_JOBS receives the
// Trak's next job (pipeline → next commands → job queued → dispatch pass → publish → delivery).
// Beside it, in the same run, interleaved round by round on the same Postgres: Graphile Worker's
// addJob → task start (the peer for "a row committed → a worker has it").
//
// Ours: the scheduler in this process (apps/scheduler/dist), a scripted runner on the bus that
// answers every agent run at once, Traks in auto mode with STAGES stages and no gates, run one at
// a time so each hand-off is measured unloaded. The commit instant is taken by watching the
// scheduler's pool: the moment the transaction holding the AgentRunCompleted append commits.
import os from 'node:os';
import pg from 'pg';
import { Logger, run as runGraphile, makeWorkerUtils } from 'graphile-worker';
import { trakCommands, trakStreamId } from '@orkestra/application';
import { JOBS_STREAM, RESULTS_STREAM, resultMsgId, resultSubject } from '@orkestra/contracts';
import { JetStreamBus } from '@orkestra/bus';
import { PostgresEventStore, migrate } from '@orkestra/event-store';
import { testDatabase, testNats } from '@orkestra/testing';
import { SchedulerService } from '../apps/scheduler/dist/index.js';
import { nowMs } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STAGES = Number(process.env.BENCH_STAGES ?? 6); // STAGES - 1 hand-offs per Trak
const TRAKS = Number(process.env.BENCH_HANDOFF_TRAKS ?? 20); // per round
const WARMUP_TRAKS = 5;
const GOAL = { p50: 5, p99: 20 };

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (n) => `${n.toFixed(2).padStart(7)} ms`;
const line = (label, xs) => `${label.padEnd(46)} p50 ${ms(percentile(xs, 50))}  p99 ${ms(percentile(xs, 99))}  max ${ms(Math.max(...xs))}  (n=${xs.length})`;

const stage = (i) => ({
  name: `s${i}`,
  artifact: `a${i}`,
  prompt: `s${i}.md`,
  agent: { kind: 'claudecode' },
  disallowedTools: [],
  maxAttempts: 3,
  agentTimeoutSeconds: 600,
});
const flow = { name: 'bench', stages: Array.from({ length: STAGES }, (_, i) => stage(i)), integration: { onFailure: 's0', autoMerge: false } };

const createTrak = (trakId) => ({
  type: 'CreateTrak',
  data: { trakId, projectId: 'p-bench', title: `Trak ${trakId}`, description: 'bench', flow, subtaskFlows: {}, baseBranch: 'main', branch: `ork/${trakId}`, autoMode: true },
});

/** Waiters keyed by a string, resolved with the instant something arrives. */
function waiters() {
  const waiting = new Map();
  return {
    expect(key) {
      return new Promise((resolve) => waiting.set(key, resolve));
    },
    arrived(key, at = nowMs()) {
      const resolve = waiting.get(key);
      waiting.delete(key);
      resolve?.(at);
    },
  };
}

const database = await testDatabase();
const nats = await testNats();
let scheduler;
let runnerConsumption;
let graphile;
let utils;
const pools = [];
try {
  await migrate(database.url);

  // The scheduler's pool, watched for the commit of the append that records a result.
  const pool = new pg.Pool({ connectionString: database.url, max: 20 });
  pools.push(pool);
  pool.on('error', () => {});
  const committed = new Map(); // streamId → instant the append holding AgentRunCompleted committed
  const done = waiters(); // streamId → TrakDone committed
  // Every client of the pool is watched: an append on its own commits when it resolves, one inside
  // a transaction when the transaction's COMMIT does.
  pool.on('connect', (client) => {
    const query = client.query.bind(client);
    let inTransaction = false;
    let appended = []; // [streamId, types] appended in the open transaction
    const onCommit = (result, appends) =>
      result.then(() => {
        const at = nowMs();
        for (const [streamId, types] of appends) {
          if (types.includes('AgentRunCompleted')) committed.set(streamId, at);
          if (types.includes('TrakDone')) done.arrived(streamId, at);
        }
      }, () => {});
    client.query = (...args) => {
      const result = query(...args);
      const [text, params] = args;
      if (typeof text !== 'string' || !(result instanceof Promise)) return result;
      if (text.startsWith('BEGIN')) {
        inTransaction = true;
        appended = [];
      } else if (text === 'COMMIT' || text === 'ROLLBACK') {
        if (text === 'COMMIT') onCommit(result, appended);
        inTransaction = false;
        appended = [];
      } else if (text.includes('INSERT INTO messages') && Array.isArray(params?.[4])) {
        if (inTransaction) appended.push([params[0], params[4]]);
        else onCommit(result, [[params[0], params[4]]]);
      }
      return result;
    };
  });

  const bus = new JetStreamBus(nats.connection, { namespace: nats.prefix });
  const recordedAt = new Map(); // streamId → observe.resultRecorded
  scheduler = new SchedulerService({
    pool,
    databaseUrl: database.url,
    bus,
    limits: { global: 100, perProject: 100 },
    instance: 'bench',
    // A failed round or input shows up as a slow hand-off; say why.
    log: (message, fields) => /failed/.test(message) && console.error('[scheduler]', message, JSON.stringify(fields ?? {})),
    runnerLostMs: 60_000,
    concurrency: 16,
    observe: { resultRecorded: (trakId) => recordedAt.set(trakStreamId(trakId), nowMs()) },
  });
  await scheduler.start();

  // The scripted runner: takes every job from ORK_JOBS, answers agent runs at once.
  let collecting = false;
  const handoffs = []; // commit → next job received
  const fromRecorded = []; // observe.resultRecorded → next job received
  const publishToCommit = []; // runner published agent-finished → result committed
  const publishedAt = new Map();
  const publish = (result) => {
    return bus.publish(resultSubject(result), JSON.stringify(result), { msgId: resultMsgId(result) });
  };
  await bus.provision({ streams: [JOBS_STREAM, RESULTS_STREAM], consumers: [{ stream: JOBS_STREAM.name, durable: 'bench-runner', ackWaitMs: 30_000 }], buckets: [] });
  runnerConsumption = await bus.consume(
    JOBS_STREAM.name,
    'bench-runner',
    async (message) => {
      const received = nowMs();
      const job = message.json();
      const streamId = trakStreamId(job.trakId);
      const commit = committed.get(streamId);
      if (collecting && commit !== undefined) {
        handoffs.push(received - commit);
        fromRecorded.push(received - recordedAt.get(streamId));
        publishToCommit.push(commit - publishedAt.get(streamId));
      }
      committed.delete(streamId);
      if (job.kind !== 'agent-run') return;
      await publish({ kind: 'agent-started', jobId: job.jobId, runnerId: 'bench', sessionId: `session-${job.trakId}` });
      publishedAt.set(streamId, nowMs());
      await publish({
        kind: 'agent-finished',
        jobId: job.jobId,
        output: { type: 'artifact', content: `done: ${job.jobId}` },
        usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.01 },
        sessionId: `session-${job.trakId}`,
      });
    },
    { concurrency: 8 },
  );

  const commands = trakCommands({ store: new PostgresEventStore(pool) });
  let traks = 0;
  async function oursRound(count) {
    for (let i = 0; i < count; i++) {
      const trakId = `t-${++traks}`;
      const finished = done.expect(trakStreamId(trakId));
      await commands.handle(trakId, createTrak(trakId), { actor: 'bench' });
      await finished;
    }
  }

  // Graphile Worker on the same database (its own schema), one worker, one job at a time.
  const started = waiters();
  const logger = new Logger(() => () => {}); // quiet: a log line per job would be measured too
  utils = await makeWorkerUtils({ connectionString: database.url, logger });
  await utils.migrate();
  graphile = await runGraphile({
    connectionString: database.url,
    concurrency: 1,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList: { bench: async (payload) => started.arrived(payload.id) },
    logger,
  });
  const addToStart = [];
  const commitToStart = [];
  async function graphileRound(count, collect) {
    for (let i = 0; i < count; i++) {
      const id = globalThis.crypto.randomUUID();
      const start = started.expect(id);
      const t0 = nowMs();
      await utils.addJob('bench', { id });
      const t1 = nowMs();
      const at = await start;
      if (collect) {
        addToStart.push(at - t0);
        commitToStart.push(at - t1);
      }
    }
  }

  // Warm up both, then interleave.
  await oursRound(WARMUP_TRAKS);
  await graphileRound(WARMUP_TRAKS * (STAGES - 1), false);
  collecting = true;
  for (let round = 0; round < ROUNDS; round++) {
    await oursRound(TRAKS);
    await graphileRound(TRAKS * (STAGES - 1), true);
  }
  collecting = false;

  const p50 = percentile(handoffs, 50);
  const p99 = percentile(handoffs, 99);
  console.log(`stage hand-off benchmark — ${os.cpus().length} cores, ${ROUNDS} interleaved rounds × ${TRAKS} Traks × ${STAGES - 1} hand-offs (and as many Graphile jobs)`);
  console.log(`  ${line('ours: result committed → next job at runner', handoffs)}`);
  console.log(`  ${line('  (observe.resultRecorded → next job)', fromRecorded)}`);
  console.log(`  ${line('  (runner published result → result committed)', publishToCommit)}`);
  console.log(`  ${line('Graphile Worker: addJob resolved → task start', commitToStart)}`);
  console.log(`  ${line('Graphile Worker: addJob called → task start', addToStart)}`);
  const peer50 = percentile(addToStart, 50);
  const peer99 = percentile(addToStart, 99);
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  console.log(
    `  goal p50 ≤ ${GOAL.p50} ms: ${verdict(p50 <= GOAL.p50)}; p99 ≤ ${GOAL.p99} ms: ${verdict(p99 <= GOAL.p99)}; ` +
      `no slower than Graphile Worker (add → start): p50 ${verdict(p50 <= peer50)}, p99 ${verdict(p99 <= peer99)}`,
  );
} finally {
  await runnerConsumption?.stop().catch(() => undefined);
  await scheduler?.stop().catch(() => undefined);
  await graphile?.stop().catch(() => undefined);
  await utils?.release().catch(() => undefined);
  for (const pool of pools) await pool.end().catch(() => undefined);
  await nats.cleanup();
  await database.drop();
}
