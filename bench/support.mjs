// What every benchmark shares: figures, and the raw floor of single-row INSERT commits.
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
