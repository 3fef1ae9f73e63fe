import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trakCommands, trakStreamId } from '@orkestra/application';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { testDatabase, trakFixtures } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { TraksProjection, createReadModelClient } from '../src/index.js';
import type { ReadModelClient } from '../src/index.js';
import { catchUpFully } from './support/catch-up.js';

let database: TestDatabase;
let pool: pg.Pool;
let prisma: ReadModelClient;

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url });
  prisma = createReadModelClient(database.url);
});

afterAll(async () => {
  await prisma.$disconnect();
  await pool.end();
  await database.drop();
});

// schema.prisma is kept in step with the SQL migrations by hand; this reads every mirrored
// table through the generated client, so a column that drifts fails here.
describe('the generated Prisma client over the migrated database', () => {
  it('reads the Traks read model, the log and the checkpoints', async () => {
    const handle = trakFixtures.sender(trakCommands({ store: new PostgresEventStore(pool) }));
    await handle('t-1', trakFixtures.createTrak('t-1', 'p-9'));
    await handle('t-2', trakFixtures.createTrak('t-2', 'p-9'));
    await handle('t-2', trakFixtures.cancel('superseded'));
    await catchUpFully(pool, new ProjectionRunner({ pool, databaseUrl: database.url, projections: [new TraksProjection()] }));

    const traks = await prisma.trakRow.findMany({ where: { projectId: 'p-9' }, orderBy: { trakId: 'asc' } });
    expect(traks.map((t) => [t.trakId, t.status, t.statusDetail, t.autoMode, t.flow, t.baseBranch])).toEqual([
      ['t-1', 'Queued', null, false, 'default', 'main'],
      ['t-2', 'Cancelled', 'superseded', false, 'default', 'main'],
    ]);
    expect(traks[1]!.streamPosition).toBe(3n);
    expect(traks[0]!.createdAt).toEqual(new Date(trakFixtures.NOW));

    const messages = await prisma.message.findMany({ where: { streamId: trakStreamId('t-2') }, orderBy: { streamPosition: 'asc' } });
    expect(messages.map((m) => m.type)).toEqual(['TrakCreated', 'StageQueued', 'TrakCancelled']);
    expect((await prisma.stream.findUnique({ where: { streamId: trakStreamId('t-2') } }))?.streamPosition).toBe(3n);
    expect((await prisma.checkpoint.findUnique({ where: { name: 'read.traks' } }))?.globalPosition).toBe(BigInt(messages[2]!.globalPosition));
  });
});
