import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trakCommands, trakStreamId } from '@orkestra/application';
import type { HandleResult, RecordedEvent } from '@orkestra/application';
import type { TrakCommand, TrakState } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import type { Projection, Queryable } from '@orkestra/event-store';
import { eventually, testDatabase, trakFixtures } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { TraksProjection } from '../src/index.js';
import { catchUpFully } from './support/catch-up.js';

const { cancel, createTrak, sender, setAutoMode } = trakFixtures;

let database: TestDatabase;
let pool: pg.Pool;
let handle: (trakId: string, command: TrakCommand) => Promise<HandleResult<TrakState>>;

const newId = (): string => globalThis.crypto.randomUUID();
const runnerFor = (...projections: Projection[]): ProjectionRunner =>
  new ProjectionRunner({ pool, databaseUrl: database.url, projections, batchSize: 7 });

async function rows(): Promise<Record<string, unknown>[]> {
  return (await pool.query('SELECT * FROM read.traks ORDER BY trak_id')).rows;
}

async function checkpoint(name: string): Promise<number> {
  return Number((await pool.query('SELECT global_position FROM checkpoints WHERE name = $1', [name])).rows[0]?.global_position ?? 0);
}

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 8 });
  handle = sender(trakCommands({ store: new PostgresEventStore(pool) }));
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('the Traks read model', () => {
  it('shows each Trak as the domain sees it after catching up, across batches', async () => {
    await handle('t-a', createTrak('t-a', 'p-1'));
    await handle('t-b', createTrak('t-b', 'p-2'));
    await handle('t-a', setAutoMode(true));
    await handle('t-b', cancel('duplicate of t-a'));

    await catchUpFully(pool, runnerFor(new TraksProjection()));

    expect((await rows()).map((r) => [r['trak_id'], r['project_id'], r['status'], r['auto_mode'], r['status_detail']])).toEqual([
      ['t-a', 'p-1', 'Queued', true, null],
      ['t-b', 'p-2', 'Cancelled', false, 'duplicate of t-a'],
    ]);
  });

  it('picks up where it left off, folding a Trak it has not seen from its stream', async () => {
    await handle('t-a', setAutoMode(false));
    // A fresh projection (a restarted process) has nothing cached.
    await catchUpFully(pool, runnerFor(new TraksProjection()));
    expect((await rows()).find((r) => r['trak_id'] === 't-a')).toMatchObject({ auto_mode: false, status: 'Queued', stream_position: '4' });
  });

  it('rebuilds the read model exactly as it was', async () => {
    for (let i = 0; i < 5; i++) await handle(`t-r${i}`, createTrak(`t-r${i}`, 'p-3'));
    await handle('t-r1', cancel('not needed'));
    const runner = runnerFor(new TraksProjection());
    await catchUpFully(pool, runner);
    const before = await rows();
    await pool.query(`UPDATE read.traks SET title = 'tampered' WHERE trak_id = 't-r2'`);

    const progress = await runner.rebuild('read.traks');
    await catchUpFully(pool, runner);

    expect(progress.events).toBeGreaterThan(0);
    expect(await rows()).toEqual(before);
  });

  it('applies nothing and keeps its checkpoint when a batch fails, then applies it once', async () => {
    await handle('t-f', createTrak('t-f', 'p-4'));
    const real = new TraksProjection();
    let failNext = true;
    const flaky: Projection = {
      name: real.name,
      tables: real.tables,
      apply: async (tx, events) => {
        const done = await real.apply(tx, events);
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        return done;
      },
      reset: () => real.reset(),
    };
    const runner = runnerFor(flaky);
    const position = await checkpoint('read.traks');

    await eventually(() => expect(runner.catchUp()).rejects.toThrow('disk full'));
    expect(await checkpoint('read.traks')).toBe(position);
    expect((await rows()).map((r) => r['trak_id'])).not.toContain('t-f');

    await catchUpFully(pool, runner);
    expect(await checkpoint('read.traks')).toBeGreaterThan(position);
    expect((await rows()).find((r) => r['trak_id'] === 't-f')).toMatchObject({ status: 'Queued', stream_position: '2' });
  });
});

describe('a projection run by two processes at once', () => {
  it('applies every event exactly once', async () => {
    await pool.query('CREATE TABLE read.seen (global_position bigint PRIMARY KEY, times int NOT NULL)');
    const counting = (): Projection => ({
      name: 'read.seen',
      tables: ['read.seen'],
      apply: async (tx: Queryable, events: readonly RecordedEvent[]) => {
        await tx.query(
          `INSERT INTO read.seen SELECT unnest($1::bigint[]), 1 ON CONFLICT (global_position) DO UPDATE SET times = read.seen.times + 1`,
          [events.map((e) => e.globalPosition)],
        );
      },
    });
    for (let i = 0; i < 20; i++) await handle(`t-x${i}`, createTrak(`t-x${i}`));

    await catchUpFully(pool, [runnerFor(counting()), runnerFor(counting()), runnerFor(counting())], 'read.seen');

    const { rows: seen } = await pool.query('SELECT count(*)::int AS events, max(times) AS most FROM read.seen');
    const total = (await pool.query('SELECT count(*)::int AS n FROM messages')).rows[0].n;
    expect(seen[0]).toEqual({ events: total, most: 1 });
  });
});

describe('following the log', () => {
  it('shows a new Trak within moments of its commit, and waits for a transaction that commits late', async () => {
    const runner = runnerFor(new TraksProjection());
    await runner.start();
    try {
      const late = await pool.connect();
      await late.query('BEGIN');
      await new PostgresEventStore(late).append(trakStreamId('t-late'), [{ id: newId(), type: 'TrakCreated', data: lateCreated() }], { expected: 'no_stream' });
      await handle('t-live', createTrak('t-live'));

      // t-live committed after t-late began: it must wait behind it, never overtake it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await rows()).map((r) => r['trak_id'])).not.toContain('t-live');

      await late.query('COMMIT');
      late.release();
      await eventually(async () => expect((await rows()).map((r) => r['trak_id'])).toEqual(expect.arrayContaining(['t-late', 't-live'])));
    } finally {
      await runner.stop();
    }
  });
});

function lateCreated(): Record<string, unknown> {
  const { data, metadata } = createTrak('t-late');
  return { ...data, autoMode: false, autoPr: false, dependsOn: [], initialArtifacts: {}, at: metadata.now };
}

