import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on one client of the pool: committed when it resolves, rolled back
 * when it throws. The work must not wait for another client of the same pool while it holds this one.
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
