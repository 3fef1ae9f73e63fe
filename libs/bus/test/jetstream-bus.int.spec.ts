import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { CursorExpiredError, TopologyError } from '@orkestra/application';
import type { BusMessage, BusTopology, ConsumerSpec, FollowedMessage, StreamSpec } from '@orkestra/application';
import { describeBusBehaviour, eventually, sleep, startPrivateNats, testNats } from '@orkestra/testing';
import type { PrivateNats, TestNats } from '@orkestra/testing';
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
const EVENTS: StreamSpec = { name: 'EVENTS', subjects: ['evt.>'], retention: 'limits' };
const consumerNames = async (stream: string): Promise<string[]> => (await jsm.consumers.list(stream).next()).map((consumer) => consumer.name);

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

describe('following a stream on the server', () => {
  let namespace: string;
  let bus: JetStreamBus;
  let failures: unknown[];

  beforeEach(async () => {
    namespace = freshNamespace();
    failures = [];
    bus = new JetStreamBus(nats.connection, { namespace, onFollowFailure: (error) => failures.push(error) });
    await bus.provision({ streams: [EVENTS], consumers: [], buckets: [] });
  });

  const deleteConsumers = async (stream: string): Promise<void> => {
    for (const name of await consumerNames(stream)) await jsm.consumers.delete(stream, name);
  };

  afterEach(async () => {
    await bus.close();
  });

  it('filters on the namespaced subject and hands back logical subjects', async () => {
    await bus.publish('evt.a.1', '{}', { msgId: 'a-1' });
    await nats.connection.request(`${namespace}evt.b.1`, '{}');
    await nats.connection.request(`${namespace}evt.a.2`, '{}');
    const seen: string[] = [];
    await bus.follow('EVENTS', { afterSeq: 0, filterSubject: 'evt.a.*' }, (message) => void seen.push(message.subject));
    await eventually(() => expect(seen).toEqual(['evt.a.1', 'evt.a.2']));
    const [consumer] = (await jsm.consumers.list(`${namespace}EVENTS`).next()).map((info) => info.config);
    expect(consumer).toMatchObject({ filter_subject: `${namespace}evt.a.*`, ack_policy: 'none', mem_storage: true });

    const elsewhere = new JetStreamBus(nats.connection, { namespace: freshNamespace() });
    await expect(elsewhere.follow('EVENTS', {}, () => undefined)).rejects.toMatchObject({ code: 'BUS.STREAM_NOT_FOUND', stream: 'EVENTS' });
  });

  it('releases its consumer on the server when stopped, when its handler throws, and when the bus closes', async () => {
    const stream = `${namespace}EVENTS`;
    const stopped = await bus.follow('EVENTS', {}, () => undefined);
    const failing = await bus.follow('EVENTS', {}, () => {
      throw new Error('gone');
    });
    const closed = await bus.follow('EVENTS', {}, () => undefined);
    expect(await consumerNames(stream)).toHaveLength(3);

    await stopped.stop();
    expect(await consumerNames(stream)).toHaveLength(2);
    await bus.publish('evt.x', '{}', { msgId: 'x' });
    expect(await failing.ended).toMatchObject({ message: 'gone' });
    expect(await consumerNames(stream)).toHaveLength(1);
    await bus.close();
    expect(await closed.ended).toBeUndefined();
    expect(await consumerNames(stream)).toEqual([]);
  });

  it('replaces a consumer deleted under it and goes on from where it was, reporting the failed pull', async () => {
    for (let i = 1; i <= 3; i++) await bus.publish('evt.x', `${i}`, { msgId: `m-${i}` });
    const seen: number[] = [];
    await bus.follow('EVENTS', { afterSeq: 0 }, (message) => void seen.push(message.seq));
    await eventually(() => expect(seen).toEqual([1, 2, 3]));
    await deleteConsumers(`${namespace}EVENTS`);
    for (let i = 4; i <= 6; i++) await bus.publish('evt.x', `${i}`, { msgId: `m-${i}` });
    await eventually(() => expect(seen).toEqual([1, 2, 3, 4, 5, 6]));
    expect(failures.length).toBeGreaterThan(0);
    expect(await consumerNames(`${namespace}EVENTS`)).toHaveLength(1);
  });

  it('ends with CursorExpiredError when the stream dropped messages it had not read while it had no consumer', async () => {
    await bus.provision({ streams: [{ name: 'SMALL', subjects: ['small.>'], retention: 'limits', maxBytes: 2000 }], consumers: [], buckets: [] });
    const publish = (i: number): Promise<unknown> => bus.publish('small.x', JSON.stringify({ i, pad: 'x'.repeat(400) }), { msgId: `s-${i}` });
    await publish(1);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const following = await bus.follow('SMALL', { afterSeq: 0 }, () => held);
    await sleep(100);
    await deleteConsumers(`${namespace}SMALL`);
    for (let i = 2; i <= 10; i++) await publish(i);
    release();

    const ended = await following.ended;
    expect(ended).toBeInstanceOf(CursorExpiredError);
    expect(ended).toMatchObject({ stream: 'SMALL', afterSeq: 1 });
    expect(following.lastSeq).toBe(1);
  });
});

describe('following a stream through a NATS server restart', () => {
  let server: PrivateNats;

  beforeAll(async () => {
    server = await startPrivateNats();
  });

  afterAll(async () => {
    await server.cleanup();
  });

  it('goes on after the restart from where it was, in order, without gaps or repeats, also with messages pulled but not yet handled', async () => {
    const failures: unknown[] = [];
    const bus = await connectBus({ servers: server.url, reconnectTimeWaitMs: 100, onFollowFailure: (error) => failures.push(error) });
    try {
      await bus.provision({ streams: [EVENTS], consumers: [], buckets: [] });
      const before = 200;
      for (let i = 1; i <= before; i++) await bus.publish('evt.x', JSON.stringify(i), { msgId: `m-${i}` });
      const seen: FollowedMessage[] = [];
      await bus.follow('EVENTS', { afterSeq: 0 }, async (message) => {
        seen.push(message);
        await sleep(5);
      });
      await eventually(() => expect(seen.length).toBeGreaterThan(20));

      await server.restart();
      const after = 20;
      for (let i = before + 1; i <= before + after; i++) {
        await eventually(() => bus.publish('evt.x', JSON.stringify(i), { msgId: `m-${i}` }), 15_000);
      }

      const all = Array.from({ length: before + after }, (_, i) => i + 1);
      await eventually(() => expect(seen).toHaveLength(all.length), 20_000);
      await sleep(300);
      expect(seen.map((message) => message.seq)).toEqual(all);
      expect(seen.map((message) => message.json())).toEqual(all);
      expect(seen.at(-1)!.pending).toBe(0);
    } finally {
      await bus.close();
    }
  }, 60_000);
});
