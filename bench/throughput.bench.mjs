// Throughput: BENCH_TRAKS Traks (default 1,000) × 5 stages in auto mode, no gates, no merge at
// the end (the Trak is Done), with instant scripted agents (bench/support/instant-agent.sh) run by
// BENCH_RUNNERS real runner processes (apps/runner/dist/main.js, BENCH_SLOTS slots each) against
// a bare git remote, and the scheduler in its own process (apps/scheduler/dist/main.js), so its
// CPU time and peak RSS are its own (read from /proc when all Traks are done).
// Beside it, the peer: Graphile Worker on the same Postgres running the same shape of work
// (BENCH_TRAKS chains of 5 jobs, each job adding the next) with as many workers as our slots and
// instant tasks, in its own process (bench/support/graphile-chain.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { trakCommands } from '@orkestra/application';
import { RUNNERS_BUCKET } from '@orkestra/contracts';
import { JetStreamBus } from '@orkestra/bus';
import { PostgresEventStore, migrate } from '@orkestra/event-store';
import { bareRemote, testDatabase, testNats } from '@orkestra/testing';
import { fmt, nowMs, startService, stopService } from './support.mjs';

const TRAKS = Number(process.env.BENCH_TRAKS ?? 1_000);
const STAGES = 5;
const RUNNERS = Number(process.env.BENCH_RUNNERS ?? 4);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 4);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 1_800);
const RSS_GOAL_MB = 300;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const SCHEDULER_MAIN = path.join(root, 'apps/scheduler/dist/main.js');
const RUNNER_MAIN = path.join(root, 'apps/runner/dist/main.js');
const AGENT = path.join(here, 'support/instant-agent.sh');
const CHAIN = path.join(here, 'support/graphile-chain.mjs');
const PROJECT = 'p-bench';
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const stage = (i) => ({ name: `s${i}`, artifact: `a${i}`, prompt: `s${i}.md`, agent: { kind: 'claudecode' }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 600 });
const flow = { name: 'bench', stages: Array.from({ length: STAGES }, (_, i) => stage(i)), integration: { onFailure: 's0', autoMerge: false } };
const createTrak = (trakId) => ({
  type: 'CreateTrak',
  data: { trakId, projectId: PROJECT, title: `Trak ${trakId}`, description: 'bench', flow, subtaskFlows: {}, baseBranch: 'main', branch: `ork/${trakId}`, autoMode: true },
});

/** CPU seconds (user + system) and peak RSS (MB) of a live process, from /proc. */
function usageOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu, rssMb: Number(hwm[1]) / 1024 };
}

const start = (main, env, label) => startService(main, env, label, 200);
const stop = stopService;

/** Ours: the scheduler and the runners as deployed, all Traks created at once. */
async function ours(database, nats, dir) {
  const agents = Object.fromEntries(Array.from({ length: STAGES }, (_, i) => [`.orkestra/agents/s${i}.md`, `You do stage s${i}.\n`]));
  const remote = await bareRemote(dir, { ...agents, 'README.md': 'bench\n' });
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {});
  const procs = [];
  try {
    const scheduler = start(
      SCHEDULER_MAIN,
      {
        ...process.env,
        ORK_SCHEDULER_PORT: '0',
        ORK_SCHEDULER_DATABASE_URL: database.url,
        ORK_SCHEDULER_NATS_URL: nats.url,
        ORK_SCHEDULER_NATS_NAMESPACE: nats.prefix,
        ORK_SCHEDULER_MAX_JOBS: String(RUNNERS * SLOTS),
        ORK_SCHEDULER_MAX_JOBS_PER_PROJECT: String(RUNNERS * SLOTS),
      },
      'scheduler',
    );
    procs.push(scheduler);
    const bus = new JetStreamBus(nats.connection, { namespace: nats.prefix });
    for (let r = 1; r <= RUNNERS; r++) {
      const name = `bench-runner-${r}`;
      const file = path.join(dir, `${name}.yaml`);
      await writeFile(file, stringify({ agents: { claudecode: AGENT }, projects: { [PROJECT]: { remote } } }));
      procs.push(
        start(
          RUNNER_MAIN,
          {
            ...process.env,
            ORK_RUNNER_CONFIG_FILE: file,
            ORK_RUNNER_NAME: name,
            ORK_RUNNER_PORT: '0',
            ORK_RUNNER_NATS_URL: nats.url,
            ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
            ORK_RUNNER_DATA_DIR: path.join(dir, name),
            ORK_RUNNER_SLOTS: String(SLOTS),
          },
          name,
        ),
      );
    }
    // Every runner registered (the scheduler provisions the same topology meanwhile).
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.label} exited:\n${p.output()}`);
      const registry = await bus.bucket(RUNNERS_BUCKET.name).catch(() => undefined);
      const found = registry === undefined ? [] : await Promise.all(procs.slice(1).map((p) => registry.get(p.label)));
      if (found.every((entry) => entry !== undefined)) break;
      if (Date.now() > deadline) throw new Error(`runners did not register:\n${procs.map((p) => p.output()).join('\n')}`);
      await sleep(200);
    }
    await sleep(1_000); // the scheduler's consumers and relay up
    const before = usageOf(scheduler.child.pid);

    const commands = trakCommands({ store: new PostgresEventStore(pool) });
    const t0 = nowMs();
    for (let i = 1; i <= TRAKS; i++) await commands.handle(`t-${i}`, createTrak(`t-${i}`), { actor: 'bench' });
    const created = nowMs();
    let counts = {};
    for (;;) {
      const { rows } = await pool.query(`SELECT type, count(*)::int AS n FROM messages WHERE type IN ('TrakDone', 'AgentRunCompleted', 'AgentRunFailed', 'TrakBlocked', 'TrakFailed') GROUP BY type`);
      counts = Object.fromEntries(rows.map((r) => [r.type, r.n]));
      if ((counts.TrakDone ?? 0) >= TRAKS) break;
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.label} exited:\n${p.output()}`);
      if (nowMs() - t0 > TIMEOUT_S * 1000) {
        console.log(`  TIMEOUT after ${TIMEOUT_S} s: ${JSON.stringify(counts)}`);
        break;
      }
      await sleep(100);
    }
    const seconds = (nowMs() - t0) / 1000;
    const after = usageOf(scheduler.child.pid);
    const runners = procs.slice(1).map((p) => usageOf(p.child.pid));
    // Where a stage's time goes, from the log's own timestamps: requested → the agent started on a
    // runner (queue, dispatch, worktree) → completed (agent, commit, push, result back) → next request.
    const { rows: phases } = await pool.query(`
      WITH e AS (SELECT stream_id, type, created_at, row_number() OVER (PARTITION BY stream_id, type ORDER BY stream_position) AS k
                   FROM messages WHERE type IN ('AgentRunRequested', 'AgentRunStarted', 'AgentRunCompleted'))
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.created_at - r.created_at)) AS to_start,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c.created_at - s.created_at)) AS to_complete,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.created_at - c.created_at)) AS to_next
        FROM e r JOIN e s ON s.stream_id = r.stream_id AND s.type = 'AgentRunStarted' AND s.k = r.k
                 JOIN e c ON c.stream_id = r.stream_id AND c.type = 'AgentRunCompleted' AND c.k = r.k
                 LEFT JOIN e n ON n.stream_id = r.stream_id AND n.type = 'AgentRunRequested' AND n.k = r.k + 1
       WHERE r.type = 'AgentRunRequested'`);
    return {
      phases: phases[0],
      seconds,
      createSeconds: (created - t0) / 1000,
      done: counts.TrakDone ?? 0,
      stages: counts.AgentRunCompleted ?? 0,
      failures: (counts.AgentRunFailed ?? 0) + (counts.TrakBlocked ?? 0) + (counts.TrakFailed ?? 0),
      cpu: after.cpu - before.cpu,
      rssMb: after.rssMb,
      runnerCpu: runners.reduce((a, r) => a + r.cpu, 0),
      runnerRssMb: Math.max(...runners.map((r) => r.rssMb)),
    };
  } finally {
    for (const p of procs.reverse()) await stop(p);
    await pool.end();
  }
}

/** The peer: Graphile Worker running the same chains in its own process. */
async function peer(database) {
  const proc = start(CHAIN, { ...process.env, BENCH_DATABASE_URL: database.url, BENCH_TRAKS: String(TRAKS), BENCH_STAGES: String(STAGES), BENCH_CONCURRENCY: String(RUNNERS * SLOTS) }, 'graphile');
  const { code } = await proc.exited;
  const last = proc.output().trim().split('\n').pop();
  if (code !== 0) throw new Error(`graphile chain failed:\n${proc.output()}`);
  return JSON.parse(last);
}

const database = await testDatabase();
const nats = await testNats();
const dir = await mkdtemp(path.join(os.tmpdir(), 'ork-bench-throughput-'));
try {
  await migrate(database.url);
  const ourFigures = await ours(database, nats, dir);
  const peerFigures = await peer(database);
  const rate = (n, s) => `${fmt(n / s)} /s`;
  console.log(`throughput benchmark — ${os.cpus().length} cores, ${TRAKS} Traks × ${STAGES} stages, ${RUNNERS} runners × ${SLOTS} slots`);
  console.log(
    `  ours:  ${ourFigures.done}/${TRAKS} Traks done in ${ourFigures.seconds.toFixed(1)} s (creating them: ${ourFigures.createSeconds.toFixed(1)} s); ` +
      `${ourFigures.stages} stages, ${rate(ourFigures.stages, ourFigures.seconds)} stage transitions; failures ${ourFigures.failures}`,
  );
  console.log(`         scheduler process: CPU ${ourFigures.cpu.toFixed(1)} s, peak RSS ${ourFigures.rssMb.toFixed(0)} MB (goal ≤ ${RSS_GOAL_MB} MB: ${ourFigures.rssMb <= RSS_GOAL_MB ? 'met' : 'MISSED'})`);
  const sec = (x) => `${(Number(x) * 1000).toFixed(0)} ms`;
  console.log(`         median stage: requested → agent started ${sec(ourFigures.phases.to_start)}, → completed ${sec(ourFigures.phases.to_complete)}, → next stage requested ${sec(ourFigures.phases.to_next)}`);
  console.log(`         runner processes: CPU ${ourFigures.runnerCpu.toFixed(1)} s together (git and agents not counted), largest peak RSS ${ourFigures.runnerRssMb.toFixed(0)} MB`);
  console.log(
    `  Graphile Worker (same chains, instant tasks, concurrency ${RUNNERS * SLOTS}): ${peerFigures.jobs} jobs in ${peerFigures.seconds.toFixed(1)} s, ` +
      `${rate(peerFigures.jobs, peerFigures.seconds)}; worker process CPU ${peerFigures.cpu.toFixed(1)} s, peak RSS ${peerFigures.rssMb.toFixed(0)} MB`,
  );
} finally {
  await nats.cleanup();
  await database.drop();
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
