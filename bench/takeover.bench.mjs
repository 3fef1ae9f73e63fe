// Takeover: how long a killed runner's job takes to start again on another runner.
// Real NATS and Postgres, the scheduler in its own process (apps/scheduler/dist/main.js) and two
// runner processes (apps/runner/dist/main.js, one slot each) with a long scripted agent
// (bench/support/long-agent.sh). Each of BENCH_RUNS rounds (default 5) creates a one-stage Trak,
// waits until a runner started its agent, waits a random 0–3 s (so the kill lands anywhere in the
// runner's report cycle), kills that runner with SIGKILL and measures kill → the Trak's next
// AgentRunStarted (the database's timestamp), which names the other runner. The killed runner is
// then started again on its data dir (it stops the agent its previous life left) and the Trak is
// cancelled before the next round.
// Then a busy runner: a Trak whose agent prints BENCH_BUSY_LINES_PER_SECOND (default 1,000) log
// entries a second for BENCH_BUSY_SECONDS (default 30); it must keep its job (no takeover, no
// Lost) and its heartbeats must keep coming (the longest gap between two is printed).
// Beside them, the peer: the bus's own redelivery floor with the same ack wait, measured on raw
// JetStream: a consumer that reports working() as a runner does is disconnected at a random point
// of its cycle, and a second consumer waits for the message.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { trakCommands } from '@orkestra/application';
import { RUNNERS_BUCKET, RUNNER_HEARTBEAT_MS } from '@orkestra/contracts';
import { JetStreamBus } from '@orkestra/bus';
import { connect } from '@nats-io/transport-node';
import { PostgresEventStore, migrate } from '@orkestra/event-store';
import { bareRemote, testDatabase, testNats } from '@orkestra/testing';
import { median, nowMs, startService, stopService } from './support.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BUSY_SECONDS = Number(process.env.BENCH_BUSY_SECONDS ?? 30);
const BUSY_LINES = Number(process.env.BENCH_BUSY_LINES_PER_SECOND ?? 1_000);
const GOAL_S = 15;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const SCHEDULER_MAIN = path.join(root, 'apps/scheduler/dist/main.js');
const RUNNER_MAIN = path.join(root, 'apps/runner/dist/main.js');
const AGENT = path.join(here, 'support/long-agent.sh');
const PROJECT = 'p-takeover';
// The runners' and the scheduler's defaults, unless the environment overrides them (it is passed on).
const ACK_WAIT_S = Number(process.env.ORK_RUNNER_ACK_WAIT_SECONDS ?? 10);
const RUNNER_LOST_S = Number(process.env.ORK_SCHEDULER_RUNNER_LOST_SECONDS ?? 20);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const flow = {
  name: 'takeover',
  stages: [{ name: 'work', artifact: 'summary', prompt: 'work.md', agent: { kind: 'claudecode' }, disallowedTools: [], maxAttempts: 3, agentTimeoutSeconds: 3_600 }],
  integration: { onFailure: 'work', autoMerge: false },
};
const createTrak = (trakId) => ({
  type: 'CreateTrak',
  data: { trakId, projectId: PROJECT, title: `Trak ${trakId}`, description: 'bench', flow, subtaskFlows: {}, baseBranch: 'main', branch: `ork/${trakId}`, autoMode: true },
});

const start = (main, env, label) => startService(main, env, label, 400);
const stop = stopService;

/** Live processes running the scripted agent (its command line names the script). */
function agentProcesses() {
  let count = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes('long-agent.sh') && state !== 'Z') count++;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

async function until(what, check, timeoutMs, procs = []) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    for (const p of procs) if (p.child.exitCode !== null && p.child.signalCode === null) throw new Error(`${p.label} exited while waiting for ${what}:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${procs.map((p) => `--- ${p.label}\n${p.output().slice(-3000)}`).join('\n')}`);
    await sleep(20);
  }
}

/** The bus's own floor: kill → redelivery of an unacked message, with the runners' ack wait and report cycle. */
async function redeliveryFloor(nats, runs) {
  const stream = { name: 'BENCH_FLOOR', subjects: ['bench.floor.>'], retention: 'workqueue', duplicateWindowMs: 60_000 };
  const consumer = { stream: stream.name, durable: 'bench-floor', ackWaitMs: ACK_WAIT_S * 1000 };
  const times = [];
  for (let run = 0; run < runs; run++) {
    const holderConnection = await connect({ servers: nats.url, name: 'bench-floor-holder' });
    const waiterConnection = await connect({ servers: nats.url, name: 'bench-floor-waiter' });
    const holder = new JetStreamBus(holderConnection, { namespace: nats.prefix });
    const waiter = new JetStreamBus(waiterConnection, { namespace: nats.prefix });
    await holder.provision({ streams: [stream], consumers: [consumer], buckets: [] });
    let held;
    let keepAlive;
    await holder.consume(stream.name, consumer.durable, (message) => {
      held = message;
      // As a runner does while a job runs: working() every third of the ack wait.
      keepAlive = setInterval(() => message.working(), (ACK_WAIT_S * 1000) / 3);
      return new Promise(() => {});
    });
    await holder.publish(`bench.floor.${run}`, '{}', { msgId: `floor-${run}-${Date.now()}` });
    await until('the holder to get the message', () => held !== undefined, 10_000);
    let delivered;
    await waiter.consume(stream.name, consumer.durable, async () => {
      delivered ??= nowMs();
    });
    await sleep(Math.random() * 3_000);
    const killed = nowMs();
    clearInterval(keepAlive);
    // As a killed runner's connection goes: no nak, no drain.
    await holderConnection.close();
    await until('the redelivery', () => delivered !== undefined, 60_000);
    times.push((delivered - killed) / 1000);
    await waiter.close();
    await waiterConnection.close();
  }
  return times;
}

async function ours(database, nats, dir) {
  const remote = await bareRemote(dir, { '.orkestra/agents/work.md': 'You do the work.\n', 'README.md': 'takeover\n' });
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => {});
  const bus = new JetStreamBus(nats.connection, { namespace: nats.prefix });
  const procs = new Map();
  const runnerEnv = (name) => ({
    ...process.env,
    ORK_RUNNER_CONFIG_FILE: path.join(dir, `${name}.yaml`),
    ORK_RUNNER_NAME: name,
    ORK_RUNNER_PORT: '0',
    ORK_RUNNER_NATS_URL: nats.url,
    ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
    ORK_RUNNER_DATA_DIR: path.join(dir, name),
    ORK_RUNNER_SLOTS: '1',
    BENCH_AGENT_SECONDS: '600',
    BENCH_AGENT_BUSY_SECONDS: String(BUSY_SECONDS),
    BENCH_AGENT_LINES_PER_SECOND: String(BUSY_LINES),
  });
  const registry = async () => bus.bucket(RUNNERS_BUCKET.name).catch(() => undefined);
  const incarnationOf = async (name) => (await (await registry())?.get(name))?.value?.incarnation;
  const startRunner = async (name) => {
    const before = await incarnationOf(name);
    const proc = start(RUNNER_MAIN, runnerEnv(name), name);
    procs.set(name, proc);
    await until(`${name} to register`, async () => {
      const now = await incarnationOf(name);
      return now !== undefined && now !== before;
    }, 30_000, [proc]);
    return proc;
  };
  const starts = async (trakId) =>
    (await pool.query(`SELECT data, created_at FROM messages WHERE stream_id = $1 AND type = 'AgentRunStarted' ORDER BY stream_position`, [`trak-${trakId}`])).rows;
  const count = async (trakId, type) => (await pool.query(`SELECT count(*)::int AS n FROM messages WHERE stream_id = $1 AND type = $2`, [`trak-${trakId}`, type])).rows[0].n;

  try {
    const scheduler = start(
      SCHEDULER_MAIN,
      { ...process.env, ORK_SCHEDULER_PORT: '0', ORK_SCHEDULER_DATABASE_URL: database.url, ORK_SCHEDULER_NATS_URL: nats.url, ORK_SCHEDULER_NATS_NAMESPACE: nats.prefix },
      'scheduler',
    );
    procs.set('scheduler', scheduler);
    for (const name of ['bench-a', 'bench-b']) {
      await writeFile(path.join(dir, `${name}.yaml`), stringify({ agents: { claudecode: AGENT }, projects: { [PROJECT]: { remote } } }));
      await startRunner(name);
    }
    await sleep(1_000); // the scheduler's consumers and relay up
    const commands = trakCommands({ store: new PostgresEventStore(pool) });

    const rounds = [];
    for (let run = 1; run <= RUNS; run++) {
      const trakId = `take-${run}`;
      await commands.handle(trakId, createTrak(trakId), { actor: 'bench' });
      const [first] = await until(`${trakId}'s agent to start`, async () => {
        const rows = await starts(trakId);
        return rows.length > 0 ? rows : undefined;
      }, 60_000, [...procs.values()]);
      const holder = first.data.runnerId;
      await sleep(Math.random() * 3_000);
      const killedAt = Date.now();
      procs.get(holder).child.kill('SIGKILL');
      await procs.get(holder).exited;
      const taken = await until(`${trakId} to start on the other runner`, async () => (await starts(trakId)).find((row) => row.data.runnerId !== holder), 120_000, [scheduler]);
      const seconds = (taken.created_at.getTime() - killedAt) / 1000;
      const path_ = taken.data.runId === first.data.runId ? 'bus redelivery (same run, taken over)' : 'runner lost (a new run)';
      rounds.push({ seconds, path: path_, from: holder, to: taken.data.runnerId, takesOverFrom: taken.data.takesOverFrom });
      console.log(`  round ${run}: ${holder} killed → ${taken.data.runnerId} started it ${seconds.toFixed(2)} s later (${path_})`);
      // The killed runner's next life stops the agent its previous one left, before it takes work.
      await startRunner(holder);
      await commands.handle(trakId, { type: 'Cancel', data: { reason: 'bench round over' } }, { actor: 'bench' });
      await until('the agents to stop', () => agentProcesses() === 0, 30_000);
    }

    // A busy runner keeps its job: its reports and heartbeats are not held up by its agent's output.
    let busy;
    if (BUSY_SECONDS > 0) {
      const trakId = 'busy-1';
      const gaps = [];
      let watching = true;
      const watch = (async () => {
        const seen = new Map();
        while (watching) {
          const bucket = await registry();
          for (const name of ['bench-a', 'bench-b']) {
            const entry = await bucket?.get(name);
            const last = seen.get(name);
            if (entry !== undefined && last?.revision !== entry.revision) {
              const at = nowMs();
              if (last !== undefined) gaps.push({ name, ms: at - last.at });
              seen.set(name, { revision: entry.revision, at });
            }
          }
          await sleep(50);
        }
      })();
      await commands.handle(trakId, createTrak(trakId), { actor: 'bench' });
      const [first] = await until(`${trakId}'s agent to start`, async () => {
        const rows = await starts(trakId);
        return rows.length > 0 ? rows : undefined;
      }, 60_000, [...procs.values()]);
      gaps.splice(0);
      await until(`${trakId} to be done`, async () => (await count(trakId, 'TrakDone')) > 0 || (await count(trakId, 'AgentRunFailed')) > 0, (BUSY_SECONDS + 60) * 1000, [...procs.values()]);
      watching = false;
      await watch;
      const busyGaps = gaps.filter((g) => g.name === first.data.runnerId).map((g) => g.ms / 1000);
      busy = {
        runner: first.data.runnerId,
        starts: (await starts(trakId)).length,
        lost: await count(trakId, 'AgentRunFailed'),
        done: (await count(trakId, 'TrakDone')) > 0,
        maxGap: Math.max(...busyGaps),
        medianGap: median(busyGaps),
      };
    }
    return { rounds, busy, orphans: agentProcesses() };
  } finally {
    for (const proc of [...procs.values()].reverse()) await stop(proc);
    await pool.end();
  }
}

const database = await testDatabase();
const nats = await testNats();
const dir = await mkdtemp(path.join(os.tmpdir(), 'ork-bench-takeover-'));
try {
  await migrate(database.url);
  console.log(`takeover: ${RUNS} rounds, kill -9 of the runner running a long agent → AgentRunStarted on the other runner`);
  const { rounds, busy, orphans } = await ours(database, nats, dir);
  const floor = await redeliveryFloor(nats, RUNS);
  const seconds = rounds.map((r) => r.seconds);
  const fmtS = (xs) => `p50 ${median(xs).toFixed(2)} s, max ${Math.max(...xs).toFixed(2)} s`;
  console.log('');
  console.log(`  ours: kill → job started on the other runner      ${fmtS(seconds)}  (goal ≤ ${GOAL_S} s; ${rounds.filter((r) => r.path.startsWith('bus')).length}/${rounds.length} by bus redelivery, recorded as taken over)`);
  console.log(`  peer: the bus's redelivery floor, same ack wait     ${fmtS(floor)}  (raw JetStream, working() every ${(ACK_WAIT_S / 3).toFixed(1)} s, holder disconnected)`);
  console.log(`  settings: ack wait ${ACK_WAIT_S} s (working() every ${(ACK_WAIT_S / 3).toFixed(1)} s), registry heartbeat ${RUNNER_HEARTBEAT_MS / 1000} s, runner lost after ${RUNNER_LOST_S} s`);
  console.log(`  agent processes left after the killed runners restarted: ${orphans}`);
  if (busy !== undefined) {
    console.log(
      `  busy runner (${BUSY_LINES} log entries/s for ${BUSY_SECONDS} s): heartbeat gap p50 ${busy.medianGap.toFixed(2)} s, max ${busy.maxGap.toFixed(2)} s; started ${busy.starts}× (1 = no takeover), Lost ${busy.lost}, done ${busy.done}`,
    );
  }
  if (Math.max(...seconds) > GOAL_S) console.log(`  NOTE: the slowest takeover exceeded the ${GOAL_S} s goal`);
} finally {
  await nats.cleanup();
  await database.drop();
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
