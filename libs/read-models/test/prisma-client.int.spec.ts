import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commandHandler, projectStreamId, projectStreamMetadata, trakCommands, trakStreamId, userStreamId, userStreamMetadata } from '@orkestra/application';
import { projectDecider, userDecider } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { accessCommands, testDatabase, trakFixtures } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { ProjectsProjection, TimelineProjection, TraksProjection, UsersProjection, createReadModelClient } from '../src/index.js';
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

  it('reads the projects, members, users and API tokens read models', async () => {
    const newId = () => globalThis.crypto.randomUUID();
    const handleProject = commandHandler({ store: new PostgresEventStore(pool), decider: projectDecider, newId, streamMetadata: projectStreamMetadata });
    const handleUser = commandHandler({ store: new PostgresEventStore(pool), decider: userDecider, newId, streamMetadata: userStreamMetadata });
    const { NOW, issueToken, registerProject, registerUser, revokeToken, setMemberRole, tokenHashOf } = accessCommands;
    await handleProject(projectStreamId('shop'), registerProject('shop', { settings: { budget: { maxTokens: 1000 } } }));
    await handleProject(projectStreamId('shop'), setMemberRole('bob', 'viewer'));
    await handleUser(userStreamId('bob'), registerUser('bob'));
    await handleUser(userStreamId('bob'), issueToken('t-1', 'secret-1', '2027-01-01T00:00:00.000Z'));
    await handleUser(userStreamId('bob'), revokeToken('t-1'));
    const runner = new ProjectionRunner({ pool, databaseUrl: database.url, projections: [new ProjectsProjection(), new UsersProjection()] });
    await catchUpFully(pool, runner, 'read.projects');
    await catchUpFully(pool, runner, 'read.users');

    const project = await prisma.projectRow.findUniqueOrThrow({ where: { projectId: 'shop' } });
    expect([project.name, project.remote, project.baseBranch, project.defaultFlow, project.status, project.streamPosition]).toEqual([
      'Project shop', 'https://git.example.com/acme/shop.git', 'main', null, 'Active', 2n,
    ]);
    expect(project.settings).toEqual({ integration: 'merge', budget: { maxTokens: 1000 } });
    expect(project.updatedAt).toEqual(new Date(NOW));
    const members = await prisma.projectMemberRow.findMany({ where: { projectId: 'shop' }, orderBy: { userId: 'asc' } });
    expect(members.map((m) => [m.userId, m.role])).toEqual([['alice', 'admin'], ['bob', 'viewer']]);

    const user = await prisma.userRow.findUniqueOrThrow({ where: { userId: 'bob' } });
    expect([user.name, user.email, user.kind, user.instanceAdmin, user.status, user.disabledAt, user.streamPosition]).toEqual(['bob', null, 'human', false, 'Active', null, 3n]);
    const token = await prisma.apiTokenRow.findUniqueOrThrow({ where: { tokenHash: tokenHashOf('secret-1') } });
    expect([token.tokenId, token.userId, token.name, token.expiresAt, token.revokedAt, token.createdAt]).toEqual([
      't-1', 'bob', 'token t-1', new Date('2027-01-01T00:00:00.000Z'), new Date(NOW), new Date(NOW),
    ]);
  });

  it("reads the webhook notifier's tables (deliveries, targets, secrets, the log's horizon)", async () => {
    const eventId = globalThis.crypto.randomUUID();
    await pool.query(
      `INSERT INTO notify.webhook_deliveries (project_id, trak_id, event_id, kind, payload, url, attempts, last_http_status, last_error)
       VALUES ('shop', 't-1', $1, 'trak.done', '{"kind":"trak.done"}', 'https://hooks.example.com/a', 2, 500, 'HTTP 500')`,
      [eventId],
    );
    await pool.query("INSERT INTO notify.webhook_targets (project_id, url) VALUES ('shop', 'https://hooks.example.com/a')");
    await pool.query("INSERT INTO notify.webhook_secrets (project_id, secret) VALUES ('shop', 'whsec_test')");

    const delivery = await prisma.webhookDeliveryRow.findUniqueOrThrow({ where: { eventId_kind: { eventId, kind: 'trak.done' } } });
    expect(delivery.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect([delivery.projectId, delivery.trakId, delivery.payload, delivery.url, delivery.status, delivery.attempts, delivery.lastHttpStatus, delivery.lastError, delivery.leasedUntil, delivery.deliveredAt]).toEqual([
      'shop', 't-1', { kind: 'trak.done' }, 'https://hooks.example.com/a', 'pending', 2, 500, 'HTTP 500', null, null,
    ]);
    expect(delivery.nextAttemptAt).toBeInstanceOf(Date);
    expect((await prisma.webhookTargetRow.findUniqueOrThrow({ where: { projectId: 'shop' } })).url).toBe('https://hooks.example.com/a');
    expect((await prisma.webhookSecretRow.findUniqueOrThrow({ where: { projectId: 'shop' } })).secret).toBe('whsec_test');
    // Migrated before any event: every event is newer than webhooks.
    expect((await prisma.webhookLogHorizon.findUniqueOrThrow({ where: { id: true } })).globalPosition).toBe(0n);
  });

  it('reads the timeline read models: iterations, agent runs and gate runs', async () => {
    const { agentRunResult, agentRunStarted, createTrak, gateResult, gatedFlow, interrupt, minutesLater, requestAgentRun, requestGateRun, sender } = trakFixtures;
    const handle = sender(trakCommands({ store: new PostgresEventStore(pool) }));
    await handle('t-3', createTrak('t-3', 'p-9', gatedFlow));
    await handle('t-3', requestAgentRun('r1', minutesLater(1)));
    await handle('t-3', agentRunStarted('r1', 'runner-1', 'sess-1', minutesLater(2)));
    await handle('t-3', agentRunResult('r1', { type: 'artifact', content: 'done' }, { inputTokens: 10, outputTokens: 5, costUsd: 0.5 }, minutesLater(3)));
    await handle('t-3', requestGateRun('g1', minutesLater(4)));
    await handle('t-3', gateResult('g1', 2, 'boom', minutesLater(5)));
    await handle('t-3', requestAgentRun('r2', minutesLater(6)));
    await handle('t-3', interrupt(minutesLater(7)));
    await catchUpFully(pool, new ProjectionRunner({ pool, databaseUrl: database.url, projections: [new TimelineProjection()] }), 'read.trak_timeline');

    const iterations = await prisma.trakIterationRow.findMany({ where: { trakId: 't-3' }, orderBy: { position: 'asc' } });
    expect(iterations.map((i) => [i.stage, i.iteration, i.position, i.trigger, i.attempts, i.startedAt, i.endedAt, i.outcome, i.outcomeDetail, i.artifact])).toEqual([
      ['work', 1, 2n, null, 0, new Date(trakFixtures.NOW), new Date(minutesLater(5)), 'gate_failed', 'exit code 2 (attempt 1 of 3)', 'summary'],
      ['work', 2, 9n, { kind: 'gate_failure', error: 'Gate failed with exit code 2:\nboom' }, 1, new Date(minutesLater(5)), new Date(minutesLater(7)), 'interrupted', null, null],
    ]);
    const runs = await prisma.agentRunRow.findMany({ where: { trakId: 't-3' }, orderBy: { position: 'asc' } });
    expect(runs.map((r) => [r.runId, r.agent, r.model, r.runnerId, r.sessionId, r.startedAt, r.endedAt, r.status, r.failureReason, r.inputTokens, r.outputTokens, r.costUsd, r.outputType])).toEqual([
      ['r1', 'claudecode', 'claude-sonnet-4-5', 'runner-1', 'sess-1', new Date(minutesLater(2)), new Date(minutesLater(3)), 'completed', null, 10, 5, 0.5, 'artifact'],
      ['r2', 'claudecode', 'claude-sonnet-4-5', null, null, null, new Date(minutesLater(7)), 'stopped', 'Interrupted', null, null, null, null],
    ]);
    const gate = await prisma.gateRunRow.findUniqueOrThrow({ where: { trakId_gateRunId: { trakId: 't-3', gateRunId: 'g1' } } });
    expect([gate.stage, gate.iteration, gate.position, gate.command, gate.requestedAt, gate.endedAt, gate.status, gate.passed, gate.exitCode, gate.timedOut, gate.output]).toEqual([
      'work', 1, 7n, 'npm test', new Date(minutesLater(4)), new Date(minutesLater(5)), 'failed', false, 2, false, 'boom',
    ]);
  });

  it('reads the kept log lines', async () => {
    await pool.query(
      `INSERT INTO read.log_lines (job_id, attempt, seq, stream_seq, trak_id, job_kind, stage_index, iteration, kind, at, line)
       VALUES ('t-4_a0_1', 1, 1, 42, 't-4', 'agent-run', 0, 1, 'text', $1, $2)`,
      [trakFixtures.NOW, JSON.stringify({ seq: 1, attempt: 1, at: trakFixtures.NOW, kind: 'text', text: 'hello' })],
    );
    const line = await prisma.logLineRow.findUniqueOrThrow({ where: { jobId_attempt_seq: { jobId: 't-4_a0_1', attempt: 1, seq: 1 } } });
    expect([line.streamSeq, line.trakId, line.jobKind, line.stageIndex, line.iteration, line.kind, line.at, line.line]).toEqual([
      42n, 't-4', 'agent-run', 0, 1, 'text', new Date(trakFixtures.NOW), { seq: 1, attempt: 1, at: trakFixtures.NOW, kind: 'text', text: 'hello' },
    ]);
  });
});
