// `npm run start:local`: the four services on this machine's Postgres and NATS (DATABASE_URL and
// NATS_URL, default the local ones), the database created if missing. Until `ork up` brings the
// embedded mode, this is the quickest way to a working server. Ctrl-C stops all four.
import { spawn } from 'node:child_process';
import pg from 'pg';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/orkestra';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const target = new URL(databaseUrl);
const database = target.pathname.slice(1);
const admin = new URL(databaseUrl);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
try {
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (rowCount === 0) {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    console.log(`created database ${database}`);
  }
} catch (error) {
  console.error(`Cannot reach Postgres at ${target.host} (${error.message}). Start it, or set DATABASE_URL.`);
  process.exit(1);
} finally {
  await client.end().catch(() => undefined);
}

const env = {
  ...process.env,
  ORK_API_DATABASE_URL: databaseUrl,
  ORK_API_NATS_URL: natsUrl,
  ORK_SCHEDULER_DATABASE_URL: databaseUrl,
  ORK_SCHEDULER_NATS_URL: natsUrl,
  ORK_RUNNER_NATS_URL: natsUrl,
};
const child = spawn('npm', ['start'], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
