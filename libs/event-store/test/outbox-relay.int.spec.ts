import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InProcessBus } from '@orkestra/application';
import { EVENTS_STREAM, publishedEventSchema } from '@orkestra/contracts';
import type { PublishedEvent } from '@orkestra/contracts';
import type { Bus, BusMessage, Consumption, NewEvent, PublishAck } from '@orkestra/application';
import { JetStreamBus } from '@orkestra/bus';
import { eventually, testDatabase, testNats } from '@orkestra/testing';
import type { TestDatabase, TestNats } from '@orkestra/testing';
import pg from 'pg';
import { OutboxRelay, PostgresEventStore, migrate } from '../src/index.js';

let database: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  store = new PostgresEventStore(pool);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await pool.query('TRUNCATE messages, streams, checkpoints');
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const event = (type: string, projectId = 'p-1'): NewEvent => ({ id: globalThis.crypto.randomUUID(), type, data: { type }, metadata: { projectId } });

function relay(bus: Pick<Bus, 'publish'>, instance: string, standbyRetryMs = 50): OutboxRelay {
  const r = new OutboxRelay({ databaseUrl: database.url, bus, instance, batchSize: 4, pollMs: 200, standbyRetryMs });
  relays.push(r);
  r.start();
  return r;
}

/** The whole log straight from the table, in append order (all committed: appends here do not overlap). */
async function everyEvent(): Promise<{ id: string; globalPosition: number }[]> {
  const { rows } = await pool.query<{ id: string; position: string }>('SELECT message_id AS id, global_position AS position FROM messages ORDER BY global_position');
  return rows.map((r) => ({ id: r.id, globalPosition: Number(r.position) }));
}

/** Kills a relay's database session, as the death of its process would. */
async function killSession(instance: string): Promise<void> {
  await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [instance]);
}

interface Probe {
  readonly received: PublishedEvent[];
  readonly subjects: string[];
  stop(): Promise<void>;
}

let probeName = '';
async function consumeInto(bus: Bus, durable: string): Promise<Probe> {
  const received: PublishedEvent[] = [];
  const subjects: string[] = [];
  const consumption: Consumption = await bus.consume(EVENTS_STREAM.name, durable, async (message: BusMessage) => {
    received.push(publishedEventSchema.parse(message.json()));
    subjects.push(message.subject);
  });
  return { received, subjects, stop: () => consumption.stop() };
}


function describeOutboxRelay(name: string, newBus: () => Promise<Bus>): void {
  describe(`the outbox relay over ${name}`, () => {
    let bus: Bus;
    let watcher: Probe;

    beforeEach(async () => {
      bus = await newBus();
      probeName = `probe-${globalThis.crypto.randomUUID().slice(0, 8)}`;
      await bus.provision({ streams: [EVENTS_STREAM], consumers: [{ stream: EVENTS_STREAM.name, durable: probeName, ackWaitMs: 30_000 }], buckets: [] });
      watcher = await consumeInto(bus, probeName);
    });

    afterEach(async () => {
      await watcher.stop();
      await bus.close();
    });

    it('publishes every committed event once, in log order, with its id as msgId and a subject naming project, stream and type', async () => {
      await store.append('trak-a', [event('TrakCreated'), event('StageQueued')], { expected: 'no_stream' });
      await store.append('project-9', [event('ProjectAdded', 'p-9')], { expected: 'no_stream' });
      relay(bus, 'relay-a');
      await store.append('trak-a', [event('AgentRunRequested')], { expected: 2 });

      await eventually(() => expect(watcher.received).toHaveLength(4));
      const log = await everyEvent();
      expect(watcher.received.map((e) => e.id)).toEqual(log.map((e) => e.id));
      expect(watcher.subjects).toEqual([
        'ork.evt.p-1.trak.trak-a.TrakCreated',
        'ork.evt.p-1.trak.trak-a.StageQueued',
        'ork.evt.p-9.project.project-9.ProjectAdded',
        'ork.evt.p-1.trak.trak-a.AgentRunRequested',
      ]);
      expect(watcher.received[3]).toMatchObject({ streamId: 'trak-a', streamPosition: 3, type: 'AgentRunRequested', data: { type: 'AgentRunRequested' } });
    });

    it('resumes from its checkpoint after dying mid-batch: no gap, and what it had published is dropped as a duplicate', async () => {
      // The batch is pipelined: when its 7th publish dies, the 8th may already be stored, so
      // the retried 7th lands after it. Subscribers that need order go by globalPosition.
      for (let i = 0; i < 10; i++) await store.append(`trak-${i}`, [event('TrakCreated'), event('StageQueued')], { expected: 'no_stream' });
      let publishes = 0;
      const duplicates: PublishAck[] = [];
      const dying: Pick<Bus, 'publish'> = {
        publish: async (subject, data, options) => {
          if (++publishes === 7) {
            await killSession('relay-dying');
            throw new Error('process died');
          }
          const ack = await bus.publish(subject, data, options);
          if (ack.duplicate) duplicates.push(ack);
          return ack;
        },
      };
      relay(dying, 'relay-dying');

      await eventually(() => expect(watcher.received).toHaveLength(20));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const log = await everyEvent();
      const positions = watcher.received.map((e) => e.globalPosition);
      expect(new Set(positions).size).toBe(positions.length);
      expect([...positions].sort((a, b) => a - b)).toEqual(log.map((e) => e.globalPosition));
      expect(duplicates.length).toBeGreaterThan(0);
    });

    it('keeps one relay active; a standby takes over when the active one dies', async () => {
      const first = relay(bus, 'relay-first', 60_000);
      await eventually(() => expect(first.active).toBe(true));
      const second = relay(bus, 'relay-second');
      await store.append('trak-x', [event('TrakCreated')], { expected: 'no_stream' });
      await eventually(() => expect(watcher.received).toHaveLength(1));
      expect(second.active).toBe(false);

      await killSession('relay-first');
      await eventually(() => expect(second.active).toBe(true));
      await store.append('trak-x', [event('StageQueued')], { expected: 1 });

      await eventually(() => expect(watcher.received.map((e) => e.type)).toEqual(['TrakCreated', 'StageQueued']));
      expect(first.active).toBe(false);
    });

    it('delivers an event whose transaction commits late, before the ones committed after it began', async () => {
      relay(bus, 'relay-late');
      const late = await pool.connect();
      try {
        await late.query('BEGIN');
        await new PostgresEventStore(late).append('trak-late', [event('TrakCreated')], { expected: 'no_stream' });
        await store.append('trak-early', [event('TrakCreated')], { expected: 'no_stream' });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(watcher.received).toHaveLength(0);
        await late.query('COMMIT');
      } finally {
        late.release();
      }
      await eventually(() => expect(watcher.received.map((e) => e.streamId)).toEqual(['trak-late', 'trak-early']));
    });
  });
}

describeOutboxRelay('the in-process bus', async () => new InProcessBus());

describe('with NATS', () => {
  let nats: TestNats;
  let count = 0;
  beforeAll(async () => {
    nats = await testNats();
  });
  afterAll(async () => {
    await nats.cleanup();
  });
  // Each test gets its own ORK_EVENTS; the connection belongs to testNats.
  describeOutboxRelay('JetStream', async () => new JetStreamBus(nats.connection, { namespace: `${nats.prefix}${++count}_` }));
});
