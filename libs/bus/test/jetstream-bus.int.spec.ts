import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { TopologyError } from '@orkestra/application';
import type { BusMessage, BusTopology, ConsumerSpec } from '@orkestra/application';
import { describeBusBehaviour, eventually, testNats } from '@orkestra/testing';
import type { TestNats } from '@orkestra/testing';
import { JetStreamBus, connectBus } from '../src/index.js';

let nats: TestNats;
let jsm: JetStreamManager;
let count = 0;
const freshNamespace = (): string => `${nats.prefix}${++count}_`;

beforeAll(async () => {
  nats = await testNats();
  jsm = await jetstreamManager(nats.connection);
});

afterAll(async () => {
  await nats.cleanup();
});

describeBusBehaviour('the JetStream bus', async () => new JetStreamBus(nats.connection, { namespace: freshNamespace() }));


const jobs = (...consumers: ConsumerSpec[]): BusTopology => ({
  streams: [{ name: 'JOBS', subjects: ['job.>'], retention: 'workqueue', duplicateWindowMs: 60_000 }],
  consumers,
  buckets: [{ name: 'runners', ttlMs: 30_000 }],
});
const worker = (extra: Partial<ConsumerSpec> = {}): ConsumerSpec => ({ stream: 'JOBS', durable: 'worker', ackWaitMs: 500, ...extra });

describe('the JetStream bus on the server', () => {
  let namespace: string;
  let bus: JetStreamBus;

  beforeEach(() => {
    namespace = freshNamespace();
    bus = new JetStreamBus(nats.connection, { namespace });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('puts its namespace before stream, subject and bucket names on the server, and strips it from what it hands back', async () => {
    await bus.provision(jobs(worker()));
    const stream = await jsm.streams.info(`${namespace}JOBS`);
    expect(stream.config).toMatchObject({ subjects: [`${namespace}job.>`], retention: 'workqueue' });
    const bucket = await jsm.streams.info(`KV_${namespace}runners`);
    expect(bucket.config).toMatchObject({ subjects: [`$KV.${namespace}runners.>`], max_msgs_per_subject: 1, max_age: nanos(30_000) });
    expect((await jsm.consumers.info(`${namespace}JOBS`, 'worker')).config).toMatchObject({ durable_name: 'worker', ack_policy: 'explicit' });

    expect(await bus.publish('job.a', '{}', { msgId: 'a' })).toEqual({ stream: 'JOBS', seq: 1, duplicate: false });
    await nats.connection.request(`${namespace}job.b`, '{}');
    const seen: string[] = [];
    await bus.consume('JOBS', 'worker', async (message) => void seen.push(message.subject));
    await eventually(() => expect(seen).toEqual(['job.a', 'job.b']));
  });

  it('updates a consumer whose ack wait or max deliver changed', async () => {
    await bus.provision(jobs(worker({ filterSubjects: ['job.a.>'] })));
    await bus.provision(jobs(worker({ ackWaitMs: 2000, maxDeliver: 5, filterSubjects: ['job.a.>'] })));
    const { config } = await jsm.consumers.info(`${namespace}JOBS`, 'worker');
    expect(config).toMatchObject({ ack_wait: nanos(2000), max_deliver: 5, filter_subject: `${namespace}job.a.>` });
  });

  it('refuses more than one filter subject on a 2.9 server, naming the consumer', async () => {
    const attempt = bus.provision(jobs(worker({ durable: 'picky', filterSubjects: ['job.a', 'job.b'] })));
    await expect(attempt).rejects.toBeInstanceOf(TopologyError);
    await expect(bus.provision(jobs(worker({ durable: 'picky', filterSubjects: ['job.a', 'job.b'] })))).rejects.toThrow(
      /Consumer picky on stream JOBS: NATS server 2\.9\.\d+ takes one filter subject/,
    );
  });

  it('names stream and durable when consuming an unknown consumer', async () => {
    await bus.provision(jobs());
    await expect(bus.consume('JOBS', 'ghost', async () => undefined)).rejects.toThrow('Consumer ghost on stream JOBS is not provisioned');
  });

  it('removes acked messages from a work-queue stream', async () => {
    await bus.provision(jobs(worker()));
    for (let i = 0; i < 3; i++) await bus.publish('job.x', `${i}`, { msgId: `m-${i}` });
    expect((await jsm.streams.info(`${namespace}JOBS`)).state.messages).toBe(3);
    let acked = 0;
    await bus.consume('JOBS', 'worker', async () => void acked++);
    await eventually(async () => expect((await jsm.streams.info(`${namespace}JOBS`)).state.messages).toBe(0));
    expect(acked).toBe(3);
  });

  it('gives the message of a consumer process that died without acking to another process after the ack wait', async () => {
    await bus.provision(jobs(worker()));
    const doomedConnection = await connect({ servers: nats.url });
    const doomed = new JetStreamBus(doomedConnection, { namespace });
    let release = (): void => undefined;
    const held: BusMessage[] = [];
    await doomed.consume('JOBS', 'worker', (message) => {
      held.push(message);
      return new Promise((resolve) => (release = resolve));
    });
    await bus.publish('job.x', 'work', { msgId: 'w-1' });
    await eventually(() => expect(held).toHaveLength(1));
    const diedAt = Date.now();
    await doomedConnection.close();

    const rescued: BusMessage[] = [];
    await bus.consume('JOBS', 'worker', async (message) => void rescued.push(message));
    await eventually(() => expect(rescued).toHaveLength(1));
    expect(rescued[0]).toMatchObject({ subject: 'job.x', msgId: 'w-1', deliveryCount: 2 });
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(400);

    release();
    await doomed.close();
  }, 10_000);

  it('drains and closes the connection it opened itself', async () => {
    const own = await connectBus({ servers: nats.url, name: 'bus-spec', namespace });
    await own.provision(jobs(worker()));
    await own.consume('JOBS', 'worker', async () => undefined);
    await own.close();
    await expect(own.publish('job.x', 'late', { msgId: 'late' })).rejects.toThrow();
  });
});
