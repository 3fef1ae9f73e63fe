import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aggregateCommands, projectStreamId, projectStreamMetadata, trakCommands } from '@orkestra/application';
import type { TrakCommands } from '@orkestra/application';
import { projectDecider } from '@orkestra/domain';
import type { PendingCommand } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { accessCommands, eventually, testDatabase, trakFixtures } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { WEBHOOK_NOTIFIER, WebhookNotifier } from '../src/webhooks/webhook-notifier.projection.js';

// The notifier on its own over a real log, with batches as small as one event: where a batch
// ends must not change what is announced.
let database: TestDatabase;
let pool: pg.Pool;
let traks: TrakCommands;
let projects: ReturnType<typeof projectCommands>;

const projectCommands = (store: PostgresEventStore) =>
  aggregateCommands({ store, decider: projectDecider, streamId: projectStreamId, streamMetadata: projectStreamMetadata });

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url });
  const store = new PostgresEventStore(pool);
  traks = trakCommands({ store });
  projects = projectCommands(store);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const machine = { actor: 'scheduler', now: trakFixtures.NOW };

async function registerProject(projectId: string, webhookUrl?: string): Promise<void> {
  const { metadata, ...command } = accessCommands.registerProject(projectId, webhookUrl === undefined ? {} : { settings: { webhookUrl } });
  await projects.handle(projectId, command, { actor: metadata.actor!, now: metadata.now });
}

async function setUrl(projectId: string, webhookUrl: string): Promise<void> {
  await projects.handle(projectId, { type: 'UpdateProject', data: { settings: { webhookUrl } } }, { actor: 'alice', now: trakFixtures.NOW });
}

/** A Trak of the fixtures' one-stage flow whose agent produced its artifact: it waits for approval, or moves on at once in auto mode. */
async function trakWithArtifact(trakId: string, projectId: string, autoMode = false): Promise<void> {
  const { metadata: _metadata, ...create } = trakFixtures.createTrak(trakId, projectId);
  await traks.handle(trakId, { ...create, data: { ...create.data, autoMode } } as PendingCommand, machine);
  const runId = `${trakId}-run`;
  await traks.handle(trakId, { type: 'RequestAgentRun', data: { runId } }, machine);
  await traks.handle(trakId, { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'runner-a' } }, machine);
  await traks.handle(trakId, { type: 'RecordAgentRunResult', data: { runId, output: { type: 'artifact', content: 'Done' } } }, machine);
}

/** Runs a fresh notifier until it has read the whole log. */
async function notify(batchSize: number): Promise<void> {
  const runner = new ProjectionRunner({ pool, databaseUrl: database.url, projections: [new WebhookNotifier({ newSecret: () => 'whsec_test' })], batchSize });
  const { rows } = await pool.query<{ last: string }>('SELECT max(global_position) AS last FROM messages');
  await eventually(async () => {
    await runner.catchUp();
    const { rows: at } = await pool.query<{ global_position: string }>('SELECT global_position FROM checkpoints WHERE name = $1', [WEBHOOK_NOTIFIER]);
    expect(Number(at[0]?.global_position)).toBe(Number(rows[0]!.last));
  }, 10_000);
}

async function deliveries(projectId: string): Promise<{ trakId: string; kind: string; url: string; eventType: string }[]> {
  const { rows } = await pool.query<{ trak_id: string; kind: string; url: string; event_type: string }>(
    `SELECT d.trak_id, d.kind, d.url, m.type AS event_type FROM notify.webhook_deliveries d JOIN messages m ON m.message_id = d.event_id
     WHERE d.project_id = $1 ORDER BY m.global_position`,
    [projectId],
  );
  return rows.map((r) => ({ trakId: r.trak_id, kind: r.kind, url: r.url, eventType: r.event_type }));
}

describe('the webhook notifier', () => {
  it('announces nothing from before webhooks were installed, yet knows the URLs set back then', async () => {
    await registerProject('old', 'https://hooks.example.com/old');
    await trakWithArtifact('old-1', 'old');
    // As the migration does on an installation that already has a log.
    await pool.query('UPDATE notify.log_horizon SET global_position = (SELECT max(global_position) FROM messages)');
    await trakWithArtifact('old-2', 'old');

    await notify(2_000);
    expect(await deliveries('old')).toEqual([{ trakId: 'old-2', kind: 'trak.needs_attention', url: 'https://hooks.example.com/old', eventType: 'ArtifactProduced' }]);
    const { rows } = await pool.query<{ secret: string }>("SELECT secret FROM notify.webhook_secrets WHERE project_id = 'old'");
    expect(rows.map((r) => r.secret)).toEqual(['whsec_test']);
  });

  it('judges each command whole when batches of one event cut through it: auto mode passing through approval to Done is announced as Done only', async () => {
    await registerProject('cut', 'https://hooks.example.com/cut');
    await trakWithArtifact('cut-auto', 'cut', true);
    await trakWithArtifact('cut-manual', 'cut');

    await notify(1);
    expect(await deliveries('cut')).toEqual([
      { trakId: 'cut-auto', kind: 'trak.done', url: 'https://hooks.example.com/cut', eventType: 'TrakDone' },
      { trakId: 'cut-manual', kind: 'trak.needs_attention', url: 'https://hooks.example.com/cut', eventType: 'ArtifactProduced' },
    ]);
  });

  it('sends each notice to the URL its project had at that point of the log, and none while it had none', async () => {
    await registerProject('moving');
    await trakWithArtifact('moving-1', 'moving');
    await setUrl('moving', 'https://hooks.example.com/a');
    await trakWithArtifact('moving-2', 'moving');
    await setUrl('moving', 'https://hooks.example.com/b');
    await trakWithArtifact('moving-3', 'moving');

    await notify(2_000);
    expect((await deliveries('moving')).map((d) => [d.trakId, d.url])).toEqual([
      ['moving-2', 'https://hooks.example.com/a'],
      ['moving-3', 'https://hooks.example.com/b'],
    ]);
  });
});
