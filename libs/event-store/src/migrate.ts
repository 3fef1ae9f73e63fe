import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** The SQL migrations, shipped at the repository's prisma/migrations/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));

/**
 * Applies pending migrations. Services starting together wait on node-pg-migrate's advisory lock
 * instead of racing or failing; each migration runs in its own transaction with the bookkeeping.
 */
export async function migrate(databaseUrl: string, log: (message: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'ork_migrations',
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log,
  });
  return applied.map((m) => m.name);
}
