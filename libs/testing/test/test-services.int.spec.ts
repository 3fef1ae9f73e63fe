import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { testDatabase, testNats, type TestDatabase, type TestNats } from '../src/index.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const tableExists = async (url: string, table: string): Promise<boolean> => {
  const [row] = await query<{ found: string | null }>(url, `select to_regclass('public.${table}') as found`);
  return row?.found != null;
};

describe('testDatabase()', () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeAll(async () => {
    [first, second] = await Promise.all([testDatabase(), testDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([first?.drop(), second?.drop()]);
  });

  it('gives each caller its own usable database', async () => {
    expect(first.name).toMatch(/^ork_t_[0-9a-f]+$/);
    expect(second.name).not.toBe(first.name);
    expect(new URL(first.url).pathname).toBe(`/${first.name}`);

    await query(first.url, 'create table only_here (id int primary key)');
    await query(first.url, 'insert into only_here values (1)');

    expect(await query(first.url, 'select id from only_here')).toEqual([{ id: 1 }]);
    expect(await tableExists(first.url, 'only_here')).toBe(true);
    expect(await tableExists(second.url, 'only_here')).toBe(false);
  });

  it('drop() removes the database, and a second drop() is harmless', async () => {
    const db = await testDatabase();
    const server = new URL(db.url);
    server.pathname = '/postgres';

    await db.drop();
    await db.drop();

    const rows = await query(server.toString(), `select 1 from pg_database where datname = '${db.name}'`);
    expect(rows).toEqual([]);
  });

  it('fails fast, naming DATABASE_URL, when that server is unreachable', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/nowhere';
    const started = Date.now();
    try {
      await expect(testDatabase()).rejects.toThrow('DATABASE_URL=postgres://postgres@127.0.0.1:1/nowhere is not reachable');
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('testNats()', () => {
  let mine: TestNats;
  let other: TestNats;

  beforeAll(async () => {
    [mine, other] = await Promise.all([testNats(), testNats()]);
  });
  afterAll(async () => {
    await Promise.all([mine?.cleanup(), other?.cleanup()]);
  });

  it('gives each caller its own prefix, and cleanup() removes only that prefix’s streams', async () => {
    expect(mine.prefix).not.toBe(other.prefix);
    const jsm = await jetstreamManager(other.connection);
    await jsm.streams.add({ name: `${mine.prefix}EVENTS`, subjects: [`${mine.prefix}events.>`] });
    await jsm.streams.add({ name: `${mine.prefix}JOBS`, subjects: [`${mine.prefix}jobs.>`] });
    await jsm.streams.add({ name: `${other.prefix}EVENTS`, subjects: [`${other.prefix}events.>`] });

    await mine.cleanup();

    const left: string[] = [];
    for await (const name of jsm.streams.names()) left.push(name);
    expect(left).toContain(`${other.prefix}EVENTS`);
    expect(left.filter((name) => name.startsWith(mine.prefix))).toEqual([]);
    expect(mine.connection.isClosed()).toBe(true);
  });

  it('fails fast, naming NATS_URL, when that server is unreachable (even if process.env was replaced)', async () => {
    const saved = process.env;
    process.env = { ...saved, NATS_URL: 'nats://127.0.0.1:1' };
    const started = Date.now();
    try {
      await expect(testNats()).rejects.toThrow('NATS_URL=nats://127.0.0.1:1 is not reachable');
    } finally {
      process.env = saved;
    }
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
