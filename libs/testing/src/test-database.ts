import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { findServer, redact, type ServiceKind } from './service-discovery.js';

/** A database of its own for one spec file. */
export interface TestDatabase {
  /** Connection URL of the new database (same server and credentials as the one found). */
  url: string;
  name: string;
  /** Terminates its connections and drops it; safe to call twice. */
  drop(): Promise<void>;
}

export const postgresKind: ServiceKind = {
  label: 'Postgres',
  envVar: 'DATABASE_URL',
  localUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  defaultPort: 5432,
  startCommand: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  async startContainer({ GenericContainer, Wait }) {
    const container = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
      .withExposedPorts(5432)
      // The image restarts the server once after init; the second "ready" line is the real one.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  },
};

/** Creates `ork_t_<random>` on the Postgres server found by discovery. Call in `beforeAll`, `drop()` in `afterAll`. */
export async function testDatabase(): Promise<TestDatabase> {
  const server = await findServer(postgresKind);
  const name = `ork_t_${randomBytes(6).toString('hex')}`;
  await onServer(server, `CREATE DATABASE ${name}`);

  let dropped: Promise<void> | undefined;
  return {
    url: withDatabase(server, name),
    name,
    drop: () => (dropped ??= dropDatabase(server, name)),
  };
}

/**
 * Drops the database once its clients have gone. A pool's `end()` resolves before its sockets
 * close; forcing the drop at once would kill those closing connections and make the pool emit
 * an error nobody listens to. So wait up to a second for them, then force it.
 */
async function dropDatabase(server: string, name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await onServer(server, `DROP DATABASE IF EXISTS ${name}`);
    } catch (error) {
      if (!/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

function withDatabase(server: string, database: string): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}

// Admin statements go to the `postgres` maintenance database, which exists on every server.
async function onServer(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(server, 'postgres'), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Postgres at ${redact(server)} failed on "${sql}": ${reason}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
