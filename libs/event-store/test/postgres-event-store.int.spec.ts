import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { describeEventStoreBehaviour, eventually, testDatabase } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { MIGRATIONS_DIR, PostgresEventStore, migrate } from '../src/index.js';

// Several cases create and migrate a database of their own: seconds when the machine is busy with
// the rest of the suite, past Jest's 5 s default.
jest.setTimeout(30_000);

let database: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 8 });
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describeEventStoreBehaviour('the Postgres event store', () => store);

const event = (type: string) => ({ id: globalThis.crypto.randomUUID(), type, data: { type } });

describe('the Postgres event store with a transaction that commits late', () => {
  it('never lets a reader skip it: events committed after it wait until it commits, then come in order', async () => {
    const start = (await store.readAll(undefined, 1_000_000)).position;
    const late = await pool.connect();
    try {
      await late.query('BEGIN');
      // The late transaction takes its id first, then appends, but has not committed.
      await new PostgresEventStore(late).append('late-stream', [event('Late')], { expected: 'no_stream' });
      await store.append('early-stream', [event('Early')], { expected: 'no_stream' });

      const whileOpen = await store.readAll(start, 100);
      expect(whileOpen.events.filter((e) => e.streamId.endsWith('-stream'))).toEqual([]);

      await late.query('COMMIT');
    } finally {
      late.release();
    }
    // Other spec files may hold transactions open too: read until both are visible.
    await eventually(async () => {
      const afterCommit = await store.readAll(start, 1_000);
      expect(afterCommit.events.filter((e) => e.streamId.endsWith('-stream')).map((e) => e.type)).toEqual(['Late', 'Early']);
    });
  });
});

describe('the Postgres event store reading the whole log', () => {
  it('orders transactions by number, not as text (transaction 9 comes before transaction 10)', async () => {
    const other = await testDatabase();
    const otherPool = new pg.Pool({ connectionString: other.url });
    try {
      await migrate(other.url);
      // Transaction ids written by hand: the server's own are far past 10 by now.
      for (const [xid, type] of [['10', 'Second'], ['9', 'First']]) {
        await otherPool.query(
          `INSERT INTO messages (stream_id, stream_position, message_id, type, data, transaction_id) VALUES ($1, 1, $2, $3, '{}', $4::xid8)`,
          [`s-${type}`, globalThis.crypto.randomUUID(), type, xid],
        );
      }
      const { events } = await new PostgresEventStore(otherPool).readAll(undefined, 10);
      expect(events.map((e) => [e.type, e.transactionId])).toEqual([['First', '9'], ['Second', '10']]);
    } finally {
      await otherPool.end();
      await other.drop();
    }
  });
});

describe('migrations', () => {
  it('run safely from two services starting together, and a second run applies nothing', async () => {
    const other = await testDatabase();
    try {
      const [first, second] = await Promise.all([migrate(other.url), migrate(other.url)]);
      // Each migration once, in order, whichever service got the lock.
      const shipped = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort();
      expect([...first, ...second]).toEqual(shipped);
      expect(shipped).toEqual([
        '1764000000000_event-log',
        '1764100000000_checkpoints-and-read-models',
        '1764200000000_scheduler',
        '1764300000000_projects-and-users',
        '1764400000000_trak-views',
        '1764600000000_webhooks',
        '1764700000000_trak-timeline',
        '1764800000000_log-lines',
        '1764900000000_runner-waits',
        '1765100000000_job-correlation',
        '1765200000000_agent-run-takeovers',
      ]);
      expect(await migrate(other.url)).toEqual([]);
    } finally {
      await other.drop();
    }
  });
});
