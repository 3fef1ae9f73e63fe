import { InProcessBus, trakCommands } from '@orkestra/application';
import type { TrakCommands } from '@orkestra/application';
import type { TrakState } from '@orkestra/domain';
import { OutboxRelay, PostgresEventStore, migrate } from '@orkestra/event-store';
import { eventually, testDatabase } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { SchedulerService } from '../src/service/scheduler-service.js';
import { ScriptedRunners, createTrak, happyRunner } from './support/scheduler-harness.js';
import type { RunnerScript } from './support/scheduler-harness.js';

// The embedded mode's bus lives in its process: a restart (or `kill -9`) starts the scheduler on a
// new, empty in-process bus over the same Postgres. Real Postgres; each "life" gets its own bus.
let database: TestDatabase;
let pool: pg.Pool;
let traks: TrakCommands;

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 30 });
  traks = trakCommands({ store: new PostgresEventStore(pool) });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** One life of the embedded process: a scheduler and scripted runners on a bus of their own. */
class Life {
  readonly bus = new InProcessBus();
  readonly runners: ScriptedRunners;
  scheduler: SchedulerService | undefined;
  readonly logs: { message: string; fields?: Record<string, unknown> }[] = [];

  constructor(script: RunnerScript) {
    this.runners = new ScriptedRunners(this.bus, script);
  }

  async start(): Promise<this> {
    this.scheduler = new SchedulerService({
      pool,
      databaseUrl: database.url,
      bus: this.bus,
      freshBus: true,
      limits: { global: 10, perProject: 10 },
      instance: 'embedded',
      runnerLostMs: 60_000,
      concurrency: 4,
      log: (message, fields) => this.logs.push({ message, ...(fields !== undefined && { fields }) }),
    });
    await this.scheduler.start();
    await this.runners.start();
    return this;
  }

  /** The process ends: whatever was on its bus is gone. */
  async end(): Promise<void> {
    await this.runners.stop();
    await this.scheduler?.stop();
    await this.bus.close();
  }
}

const state = async (trakId: string): Promise<TrakState> => (await traks.read(trakId)).state;
const eventTypes = async (trakId: string): Promise<string[]> => (await traks.read(trakId)).events.map((e) => e.type);

describe('a scheduler starting on a fresh bus', () => {
  it("sends again the job its last life had out (a runner took it, then the process died), and the Trak finishes", async () => {
    // The first life's runner takes the agent run and never answers: the process dies mid-stage.
    const first = await new Life(() => []).start();
    await traks.handle('mid-1', { type: 'CreateTrak', data: createTrak('mid-1', 'p-1').data }, { actor: 'alice' });
    await eventually(() => expect(first.runners.jobIds()).toEqual(['mid-1_a0_1']), 10_000);
    await eventually(async () => expect(await pool.query(`SELECT 1 FROM scheduler.jobs WHERE job_id = 'mid-1_a0_1' AND dispatched_at IS NOT NULL`)).toMatchObject({ rowCount: 1 }));
    await first.end();

    const second = await new Life(happyRunner()).start();
    try {
      await eventually(async () => expect((await state('mid-1')).status).toBe('Archived'), 15_000);
      expect(second.runners.jobIds()).toEqual(['mid-1_a0_1', 'mid-1_g0_1', 'mid-1_i1']);
      expect(second.scheduler?.recovered).toMatchObject({ jobsSentAgain: 1, jobsStale: 0, traksFailed: 0 });
      // The stage ran once more under the same run id; nothing was requested twice.
      expect((await eventTypes('mid-1')).filter((type) => type === 'AgentRunRequested')).toHaveLength(1);
    } finally {
      await second.end();
    }
  }, 40_000);

  it('acts on an approve that reached the old bus while no scheduler handled it', async () => {
    const create = createTrak('approve-1', 'p-1');
    const first = await new Life(happyRunner()).start();
    await traks.handle('approve-1', { type: 'CreateTrak', data: { ...create.data, autoMode: false } }, { actor: 'alice' });
    await eventually(async () => expect((await state('approve-1')).status).toBe('AwaitingApproval'), 15_000);
    await first.scheduler?.stop();

    // A person approves; the relay publishes it to the bus (its checkpoint moves past it), and the process dies before the scheduler handles it.
    const approved = await traks.handle('approve-1', { type: 'Approve', data: {} }, { actor: 'alice' });
    const relay = new OutboxRelay({ databaseUrl: database.url, bus: first.bus, instance: 'dying-relay' });
    relay.start();
    const approvedAt = Math.max(...approved.events.map((e) => e.globalPosition));
    await eventually(async () => {
      const { rows } = await pool.query<{ at: string }>(`SELECT global_position AS at FROM checkpoints WHERE name = 'outbox-relay'`);
      expect(Number(rows[0]?.at)).toBeGreaterThanOrEqual(approvedAt);
    });
    await relay.stop();
    await first.end();

    const second = await new Life(happyRunner()).start();
    try {
      await eventually(async () => expect((await state('approve-1')).status).toBe('Archived'), 15_000);
      expect(second.runners.jobIds()).toEqual(['approve-1_i1']);
    } finally {
      await second.end();
    }
  }, 40_000);
});
