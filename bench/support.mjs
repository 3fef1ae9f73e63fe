import { spawn } from 'node:child_process';
// What every benchmark shares: figures, the raw floor of single-row INSERT commits, and services started as deployed.
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const fmt = (n) => Math.round(n).toLocaleString('en-US');
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export const createRawTable = (pool) => pool.query('CREATE TABLE bench_raw (id bigserial PRIMARY KEY, payload text NOT NULL)');

/**
 * `rows` single-row INSERTs, one commit each; returns each one's latency in ms. Empties and
 * vacuums the table afterwards (autovacuum is off on the local server).
 */
export async function rawInserts(pool, rows) {
  const latencies = [];
  for (let i = 0; i < rows; i++) {
    const start = nowMs();
    await pool.query('INSERT INTO bench_raw (payload) VALUES ($1)', [`row ${i}`]);
    latencies.push(nowMs() - start);
  }
  await pool.query('TRUNCATE bench_raw');
  await pool.query('VACUUM ANALYZE bench_raw');
  return latencies;
}

/** Rows per second of a `rawInserts` round. */
export const rate = (latencies) => latencies.length / (latencies.reduce((a, b) => a + b, 0) / 1000);

/** A service started as deployed (`node <main>`), keeping the tail of its output for error messages. */
export function startService(main, env, label, keepChunks = 400) {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks = [];
  const keep = (data) => {
    chunks.push(data.toString('utf8'));
    if (chunks.length > keepChunks) chunks.splice(0, keepChunks / 2);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { label, child, output: () => chunks.join(''), exited };
}

/** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
export async function stopService(proc) {
  if (proc === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await proc.exited;
  clearTimeout(timer);
}
