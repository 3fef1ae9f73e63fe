// Uses Jest's injected globals (describe, it, expect, beforeEach, afterEach), so this package also loads outside Jest.
import {
  BucketNotFoundError,
  ConsumerNotFoundError,
  CursorExpiredError,
  InvalidKeyError,
  NoStreamForSubjectError,
  StreamNotFoundError,
  TopologyError,
} from '@orkestra/application';
import type {
  Bus,
  BusMessage,
  BusTopology,
  ConsumeOptions,
  ConsumerSpec,
  Consumption,
  FollowedMessage,
  FollowHandler,
  Following,
  FollowOptions,
  MessageHandler,
  StreamSpec,
} from '@orkestra/application';
import { eventually, sleep } from './eventually.js';

const ACK_WAIT_MS = 500;
const SLOW = 10_000;

const JOBS: StreamSpec = { name: 'JOBS', subjects: ['job.>'], retention: 'workqueue', duplicateWindowMs: 60_000 };
const EVENTS: StreamSpec = { name: 'EVENTS', subjects: ['evt.>'], retention: 'limits', duplicateWindowMs: 60_000 };
const worker = (extra: Partial<ConsumerSpec> = {}): ConsumerSpec => ({ stream: 'JOBS', durable: 'worker', ackWaitMs: ACK_WAIT_MS, ...extra });
const topology = (...consumers: ConsumerSpec[]): BusTopology => ({ streams: [JOBS, EVENTS], consumers, buckets: [] });

const msgId = (): string => globalThis.crypto.randomUUID();

/** A promise the test resolves by hand, to hold a handler open. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

interface Delivery {
  readonly message: BusMessage;
  readonly at: number;
}

/**
 * What every Bus must do. Runs against the in-process bus and the NATS JetStream bus, so the fake
 * cannot drift from the real thing. `newBus` gives a bus with nothing provisioned (a fresh
 * namespace on a shared server is fine); the suite closes it after each test.
 */
export function describeBusBehaviour(name: string, newBus: () => Promise<Bus>): void {
  let bus: Bus;

  beforeEach(async () => {
    bus = await newBus();
  });

  afterEach(async () => {
    await bus.close();
  });

  /** Consumes into a list of deliveries; the handler (acking by default) sees each message. */
  async function record(
    durable: string,
    handler: MessageHandler = async () => undefined,
    options?: ConsumeOptions,
    stream = 'JOBS',
  ): Promise<{ deliveries: Delivery[]; consumption: Consumption }> {
    const deliveries: Delivery[] = [];
    const consumption = await bus.consume(
      stream,
      durable,
      async (message) => {
        deliveries.push({ message, at: Date.now() });
        await handler(message);
      },
      options,
    );
    return { deliveries, consumption };
  }

  const publishJob = (subject = 'job.x', data: object = {}): Promise<unknown> => bus.publish(subject, JSON.stringify(data), { msgId: msgId() });

  describe(`${name}: provisioning`, () => {
    it('provisions the same topology twice, and works after it', async () => {
      await bus.provision({ ...topology(worker()), buckets: [{ name: 'things', ttlMs: 60_000 }] });
      await bus.provision({ ...topology(worker()), buckets: [{ name: 'things', ttlMs: 60_000 }] });
      const { deliveries } = await record('worker');
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(1));
    });

    it('refuses a work-queue consumer whose filter overlaps another consumer of the stream', async () => {
      await bus.provision(topology(worker({ durable: 'a', filterSubjects: ['job.a.>'] }), worker({ durable: 'b', filterSubjects: ['job.b.>'] })));
      await bus.provision(topology(worker({ durable: 'a', filterSubjects: ['job.a.>'] })));
      for (const filterSubjects of [['job.>'], ['job.a.x'], ['job.*.x'], undefined]) {
        const attempt = bus.provision(topology(worker({ durable: 'c', filterSubjects })));
        await expect(attempt).rejects.toBeInstanceOf(TopologyError);
        await expect(bus.provision(topology(worker({ durable: 'c', filterSubjects })))).rejects.toThrow(/\bc\b/);
      }
    });

    it('lets many durables of a limits stream overlap', async () => {
      const all = { stream: 'EVENTS', ackWaitMs: ACK_WAIT_MS };
      await bus.provision(topology({ ...all, durable: 'one' }, { ...all, durable: 'two' }, { ...all, durable: 'three', filterSubjects: ['evt.a.>'] }));
    });

    it('fails to consume an unprovisioned consumer, naming the stream and the durable', async () => {
      await bus.provision(topology(worker()));
      const attempt = bus.consume('JOBS', 'nobody', async () => undefined);
      await expect(attempt).rejects.toBeInstanceOf(ConsumerNotFoundError);
      await expect(bus.consume('NOPE', 'nobody', async () => undefined)).rejects.toMatchObject({
        code: 'BUS.CONSUMER_NOT_FOUND',
        stream: 'NOPE',
        durable: 'nobody',
        message: expect.stringMatching(/nobody.*NOPE/),
      });
    });

    it('fails to open an unprovisioned bucket', async () => {
      await expect(bus.bucket('nothing')).rejects.toBeInstanceOf(BucketNotFoundError);
    });

    it('refuses a publish that no stream captures', async () => {
      await bus.provision(topology());
      await expect(bus.publish('nowhere.x', 'lost', { msgId: msgId() })).rejects.toMatchObject({ code: 'BUS.NO_STREAM_FOR_SUBJECT', subject: 'nowhere.x' });
      await expect(bus.publish('nowhere.x', 'lost', { msgId: msgId() })).rejects.toBeInstanceOf(NoStreamForSubjectError);
    });
  });

  describe(`${name}: publishing and consuming`, () => {
    it('delivers subject, payload, headers, message id and positions', async () => {
      await bus.provision(topology(worker()));
      const ack = await bus.publish('job.build.x', JSON.stringify({ n: 1 }), { msgId: 'job-1', headers: { 'x-trace': 't-1', Kind: 'build' } });
      expect(ack).toEqual({ stream: 'JOBS', seq: 1, duplicate: false });
      await bus.publish('job.build.y', new TextEncoder().encode('raw'), { msgId: 'job-2' });

      const { deliveries } = await record('worker');
      await eventually(() => expect(deliveries).toHaveLength(2));
      const [first, second] = deliveries.map((d) => d.message);
      expect(first).toMatchObject({ subject: 'job.build.x', msgId: 'job-1', headers: { 'x-trace': 't-1', Kind: 'build' }, deliveryCount: 1, seq: 1 });
      expect(first!.json()).toEqual({ n: 1 });
      expect(second).toMatchObject({ subject: 'job.build.y', msgId: 'job-2', headers: {}, seq: 2 });
      expect(new TextDecoder().decode(second!.data)).toBe('raw');
    });

    it('drops a second publish with the same message id and delivers the message once', async () => {
      await bus.provision(topology(worker()));
      const first = await bus.publish('job.x', 'one', { msgId: 'same' });
      const again = await bus.publish('job.x', 'two', { msgId: 'same' });
      expect(again).toEqual({ stream: 'JOBS', seq: first.seq, duplicate: true });

      const { deliveries } = await record('worker');
      await eventually(() => expect(deliveries).toHaveLength(1));
      await sleep(300);
      expect(deliveries.map((d) => new TextDecoder().decode(d.message.data))).toEqual(['one']);
    });

    it('acks a message whose handler resolves without settling it', async () => {
      await bus.provision(topology(worker()));
      const { deliveries } = await record('worker');
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(1));
      await sleep(ACK_WAIT_MS + 300);
      expect(deliveries).toHaveLength(1);
    }, SLOW);

    it('gives a filtered durable only the subjects it asked for, wildcards included', async () => {
      await bus.provision(topology({ stream: 'EVENTS', durable: 'a-only', ackWaitMs: ACK_WAIT_MS, filterSubjects: ['evt.a.*'] }));
      for (const subject of ['evt.a.1', 'evt.b.1', 'evt.a.1.deep', 'evt.a.2']) await bus.publish(subject, '{}', { msgId: msgId() });
      const { deliveries } = await record('a-only', undefined, undefined, 'EVENTS');
      await eventually(() => expect(deliveries).toHaveLength(2));
      await sleep(200);
      expect(deliveries.map((d) => d.message.subject)).toEqual(['evt.a.1', 'evt.a.2']);
    });
  });

  describe(`${name}: settling and redelivery`, () => {
    it('redelivers a nakked message at once with deliveryCount 2', async () => {
      await bus.provision(topology(worker()));
      const { deliveries } = await record('worker', async (message) => {
        if (message.deliveryCount === 1) message.nak();
      });
      await publishJob();
      await eventually(() => expect(deliveries.map((d) => d.message.deliveryCount)).toEqual([1, 2]));
      expect(deliveries[1]!.at - deliveries[0]!.at).toBeLessThan(ACK_WAIT_MS);
    });

    it('holds a message nakked with a delay back until the delay has passed', async () => {
      await bus.provision(topology(worker()));
      const delayMs = 700;
      const { deliveries } = await record('worker', async (message) => {
        if (message.deliveryCount === 1) message.nak(delayMs);
      });
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(2));
      expect(deliveries[1]!.message.deliveryCount).toBe(2);
      expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(delayMs - 50);
    }, SLOW);

    it('redelivers a message left unsettled past the ack wait to another consumption', async () => {
      await bus.provision(topology(worker()));
      const stuck = gate();
      try {
        const hung = await record('worker', () => stuck.wait);
        await publishJob();
        await eventually(() => expect(hung.deliveries).toHaveLength(1));
        const rescuer = await record('worker');
        await eventually(() => expect(rescuer.deliveries).toHaveLength(1));
        expect(rescuer.deliveries[0]!.message.deliveryCount).toBe(2);
        expect(rescuer.deliveries[0]!.at - hung.deliveries[0]!.at).toBeGreaterThanOrEqual(ACK_WAIT_MS - 50);
      } finally {
        stuck.open();
      }
    }, SLOW);

    it('keeps a message whose handler reports working() past the ack wait', async () => {
      await bus.provision(topology(worker()));
      const { deliveries } = await record(
        'worker',
        async (message) => {
          for (let elapsed = 0; elapsed < ACK_WAIT_MS * 2.5; elapsed += ACK_WAIT_MS / 4) {
            message.working();
            await sleep(ACK_WAIT_MS / 4);
          }
        },
        { concurrency: 2 },
      );
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(1));
      await sleep(ACK_WAIT_MS * 2.5 + 300);
      expect(deliveries).toHaveLength(1);
    }, SLOW);

    it('never redelivers a termed message', async () => {
      await bus.provision(topology(worker()));
      const { deliveries } = await record('worker', async (message) => message.term('poison'), { concurrency: 2 });
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(1));
      await sleep(ACK_WAIT_MS * 2);
      expect(deliveries).toHaveLength(1);
    }, SLOW);

    it('reports a throwing handler and redelivers its message after the retry delay', async () => {
      await bus.provision(topology(worker()));
      const errors: [unknown, BusMessage][] = [];
      const { deliveries } = await record(
        'worker',
        async (message) => {
          if (message.deliveryCount === 1) throw new Error('flaky');
        },
        { retryDelayMs: 200, onError: (error, message) => errors.push([error, message]) },
      );
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(2));
      expect(errors).toEqual([[expect.objectContaining({ message: 'flaky' }), deliveries[0]!.message]]);
      expect(deliveries[1]!.message.deliveryCount).toBe(2);
      expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(150);
      await sleep(ACK_WAIT_MS + 200);
      expect(deliveries).toHaveLength(2);
    }, SLOW);

    it('stops delivering a message after maxDeliver deliveries', async () => {
      await bus.provision(topology(worker({ maxDeliver: 2 })));
      const { deliveries } = await record('worker', async (message) => message.nak());
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(2));
      await sleep(ACK_WAIT_MS + 200);
      expect(deliveries.map((d) => d.message.deliveryCount)).toEqual([1, 2]);
    }, SLOW);
  });

  describe(`${name}: concurrency`, () => {
    async function maxInFlight(concurrency: number | undefined, count: number): Promise<number> {
      await bus.provision(topology(worker()));
      for (let i = 0; i < count; i++) await publishJob('job.x', { i });
      let inFlight = 0;
      let max = 0;
      const { deliveries } = await record(
        'worker',
        async () => {
          max = Math.max(max, ++inFlight);
          await sleep(120);
          inFlight--;
        },
        concurrency === undefined ? undefined : { concurrency },
      );
      await eventually(() => expect(deliveries).toHaveLength(count), 8000);
      return max;
    }

    it('never runs more than `concurrency` handlers at once, and does run them side by side', async () => {
      expect(await maxInFlight(3, 9)).toBe(3);
    }, SLOW);

    it('runs one handler at a time by default', async () => {
      expect(await maxInFlight(undefined, 4)).toBe(1);
    }, SLOW);

    it('takes nothing on any consumption sharing a capacity while it has no room, and takes again once it frees', async () => {
      await bus.provision(topology(worker({ durable: 'a', filterSubjects: ['job.a'] }), worker({ durable: 'b', filterSubjects: ['job.b'] })));
      let room = 0;
      const listeners = new Set<() => void>();
      const capacity = { free: () => room, onFree: (listener: () => void) => (listeners.add(listener), () => void listeners.delete(listener)) };
      const a = await record('a', async () => undefined, { concurrency: 2, capacity });
      const b = await record('b', async () => undefined, { concurrency: 2, capacity });
      await publishJob('job.a');
      await publishJob('job.b');
      await sleep(300);
      expect([...a.deliveries, ...b.deliveries]).toHaveLength(0);

      room = 2;
      for (const listener of listeners) listener();
      await eventually(() => expect([...a.deliveries, ...b.deliveries]).toHaveLength(2), 8000);
    }, SLOW);
  });

  describe(`${name}: work queues and limits`, () => {
    it('shares a work-queue durable between consumptions: each message goes to one of them', async () => {
      await bus.provision(topology(worker()));
      const slow = async (): Promise<void> => sleep(80);
      const [left, right] = [await record('worker', slow), await record('worker', slow)];
      for (let i = 0; i < 8; i++) await publishJob('job.x', { i });
      await eventually(() => expect(left.deliveries.length + right.deliveries.length).toBe(8));
      const seqs = [...left.deliveries, ...right.deliveries].map((d) => d.message.seq);
      expect(new Set(seqs).size).toBe(8);
      expect(left.deliveries.length).toBeGreaterThan(0);
      expect(right.deliveries.length).toBeGreaterThan(0);
    }, SLOW);

    it('forgets acked work-queue messages: a later consumption of the durable gets only new ones', async () => {
      await bus.provision(topology(worker()));
      const first = await record('worker');
      for (let i = 0; i < 3; i++) await publishJob('job.x', { i });
      await eventually(() => expect(first.deliveries).toHaveLength(3));
      await first.consumption.stop();

      const later = await record('worker');
      await sleep(ACK_WAIT_MS + 200);
      expect(later.deliveries).toHaveLength(0);
      await publishJob('job.x', { i: 'new' });
      await eventually(() => expect(later.deliveries.map((d) => d.message.json())).toEqual([{ i: 'new' }]));
    }, SLOW);

    it('gives every durable of a limits stream every message, also those published before it existed', async () => {
      const durable = (name: string): ConsumerSpec => ({ stream: 'EVENTS', durable: name, ackWaitMs: ACK_WAIT_MS });
      await bus.provision(topology(durable('one')));
      for (let i = 0; i < 3; i++) await bus.publish(`evt.x.${i}`, '{}', { msgId: msgId() });
      await bus.provision(topology(durable('one'), durable('two')));
      await bus.publish('evt.x.3', '{}', { msgId: msgId() });

      const [one, two] = [await record('one', undefined, undefined, 'EVENTS'), await record('two', undefined, undefined, 'EVENTS')];
      const subjects = ['evt.x.0', 'evt.x.1', 'evt.x.2', 'evt.x.3'];
      await eventually(() => expect(one.deliveries.map((d) => d.message.subject)).toEqual(subjects));
      await eventually(() => expect(two.deliveries.map((d) => d.message.subject)).toEqual(subjects));
    });

    it('lets stop() wait for the handlers in flight, and takes nothing new afterwards', async () => {
      await bus.provision(topology(worker()));
      let finished = 0;
      const { deliveries, consumption } = await record('worker', async () => {
        await sleep(200);
        finished++;
      });
      await publishJob();
      await eventually(() => expect(deliveries).toHaveLength(1));
      await consumption.stop();
      expect(finished).toBe(1);
      await publishJob();
      await sleep(300);
      expect(deliveries).toHaveLength(1);
    }, SLOW);
  });

  describe(`${name}: following a stream`, () => {
    /** Follows EVENTS into a list; the handler (nothing by default) sees each message after it is listed. */
    async function follow(options: FollowOptions = {}, handler: FollowHandler = () => undefined): Promise<{ seen: FollowedMessage[]; following: Following }> {
      const seen: FollowedMessage[] = [];
      const following = await bus.follow('EVENTS', options, async (message) => {
        seen.push(message);
        await handler(message);
      });
      return { seen, following };
    }

    const publishEvents = async (...subjects: string[]): Promise<void> => {
      for (const subject of subjects) await bus.publish(subject, JSON.stringify({ subject }), { msgId: msgId() });
    };
    const seqs = (seen: readonly FollowedMessage[]): number[] => seen.map((message) => message.seq);

    it('reads from the first message kept, in order with subjects, payloads, headers and what is still pending, then keeps up with new ones', async () => {
      await bus.provision(topology());
      await bus.publish('evt.a.1', JSON.stringify({ n: 1 }), { msgId: 'e-1', headers: { 'Ork-Event-Type': 'One' } });
      await publishEvents('evt.a.2', 'evt.b.3');

      const { seen, following } = await follow({ afterSeq: 0 });
      expect(following.lastSeq).toBe(0);
      await eventually(() => expect(seqs(seen)).toEqual([1, 2, 3]));
      expect(seen[0]).toMatchObject({ subject: 'evt.a.1', msgId: 'e-1', headers: { 'Ork-Event-Type': 'One' }, seq: 1, pending: 2 });
      expect(seen[0]!.json()).toEqual({ n: 1 });
      expect(seen.map((message) => [message.subject, message.pending])).toEqual([
        ['evt.a.1', 2],
        ['evt.a.2', 1],
        ['evt.b.3', 0],
      ]);
      await eventually(() => expect(following.lastSeq).toBe(3));

      await publishEvents('evt.c.4');
      await eventually(() => expect(seqs(seen)).toEqual([1, 2, 3, 4]));
      expect(seen[3]).toMatchObject({ subject: 'evt.c.4', pending: 0 });
      await eventually(() => expect(following.lastSeq).toBe(4));
    });

    it('resumes after a sequence: nothing up to it, everything after it once and in order', async () => {
      await bus.provision(topology());
      await publishEvents('evt.x.1', 'evt.x.2', 'evt.x.3', 'evt.x.4', 'evt.x.5');
      const { seen, following } = await follow({ afterSeq: 2 });
      expect(following.lastSeq).toBe(2);
      await publishEvents('evt.x.6');
      await eventually(() => expect(seqs(seen)).toEqual([3, 4, 5, 6]));
      await sleep(200);
      expect(seen.map((message) => message.json())).toEqual([3, 4, 5, 6].map((n) => ({ subject: `evt.x.${n}` })));
    });

    it('reads only messages stored from now on when no sequence is given, or one beyond the last', async () => {
      await bus.provision(topology());
      await publishEvents('evt.x.1', 'evt.x.2', 'evt.x.3');
      const fresh = await follow();
      const ahead = await follow({ afterSeq: 99 });
      expect([fresh.following.lastSeq, ahead.following.lastSeq]).toEqual([3, 3]);
      await sleep(200);
      expect(fresh.seen).toEqual([]);

      await publishEvents('evt.x.4');
      await eventually(() => expect(seqs(fresh.seen)).toEqual([4]));
      await eventually(() => expect(seqs(ahead.seen)).toEqual([4]));
    });

    it('gives a filtered following only its subjects, wildcards included, and counts only those as pending', async () => {
      await bus.provision(topology());
      await publishEvents('evt.a.1', 'evt.b.1', 'evt.a.2', 'evt.a.1.deep', 'evt.a.3');
      const { seen } = await follow({ afterSeq: 0, filterSubject: 'evt.a.*' });
      await eventually(() => expect(seen).toHaveLength(3));
      expect(seen.map((message) => [message.subject, message.seq, message.pending])).toEqual([
        ['evt.a.1', 1, 2],
        ['evt.a.2', 3, 1],
        ['evt.a.3', 5, 0],
      ]);
      await publishEvents('evt.b.2', 'evt.a.4');
      await eventually(() => expect(seen.map((message) => message.subject)).toEqual(['evt.a.1', 'evt.a.2', 'evt.a.3', 'evt.a.4']));
    });

    it('hands a slow handler one message at a time, and it still sees everything in order', async () => {
      await bus.provision(topology());
      const count = 150;
      for (let i = 1; i <= count - 20; i++) await bus.publish('evt.x', JSON.stringify(i), { msgId: msgId() });
      let inFlight = 0;
      let maxInFlight = 0;
      const { seen } = await follow({ afterSeq: 0 }, async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await sleep(2);
        inFlight--;
      });
      for (let i = count - 19; i <= count; i++) await bus.publish('evt.x', JSON.stringify(i), { msgId: msgId() });
      await eventually(() => expect(seen).toHaveLength(count), 8000);
      expect(seen.map((message) => message.json())).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(seqs(seen)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(seen.at(-1)!.pending).toBe(0);
      expect(maxInFlight).toBe(1);
    }, SLOW);

    it('lets many followings read one stream side by side, each on its own', async () => {
      await bus.provision(topology());
      await publishEvents('evt.x.1', 'evt.x.2');
      const followings = await Promise.all(Array.from({ length: 10 }, (_, i) => follow({ afterSeq: i % 3 })));
      await publishEvents('evt.x.3');
      for (const [i, { seen }] of followings.entries()) {
        await eventually(() => expect(seqs(seen)).toEqual([1, 2, 3].slice(i % 3)));
      }
    });

    it('refuses a cursor older than what the stream still keeps, naming the stream, the cursor and the oldest kept sequence', async () => {
      // Small enough that a few 400-byte messages push the oldest out (the server counts a little overhead per message).
      const small: StreamSpec = { name: 'SMALL', subjects: ['small.>'], retention: 'limits', maxBytes: 2000 };
      await bus.provision({ streams: [small], consumers: [], buckets: [] });
      for (let i = 1; i <= 8; i++) await bus.publish('small.x', JSON.stringify({ i, pad: 'x'.repeat(400) }), { msgId: msgId() });

      const expired = await bus.follow('SMALL', { afterSeq: 1 }, () => undefined).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(expired).toBeInstanceOf(CursorExpiredError);
      expect(expired).toMatchObject({ code: 'BUS.CURSOR_EXPIRED', stream: 'SMALL', afterSeq: 1, message: expect.stringMatching(/SMALL/) });
      const { firstSeq } = expired as CursorExpiredError;
      expect(firstSeq).toBeGreaterThan(2);
      expect(firstSeq).toBeLessThanOrEqual(8);
      await expect(bus.follow('SMALL', { afterSeq: firstSeq - 2 }, () => undefined)).rejects.toMatchObject({ code: 'BUS.CURSOR_EXPIRED', firstSeq });

      const kept = Array.from({ length: 9 - firstSeq }, (_, i) => firstSeq + i);
      for (const afterSeq of [firstSeq - 1, 0]) {
        const seen: number[] = [];
        await bus.follow('SMALL', { afterSeq }, (message) => void seen.push(message.seq));
        await eventually(() => expect(seen).toEqual(kept));
      }
    });

    it('stops handing over messages once stopped, after the handler in flight has settled', async () => {
      await bus.provision(topology());
      const held = gate();
      let finished = 0;
      const { seen, following } = await follow({}, async () => {
        await held.wait;
        finished++;
      });
      await publishEvents('evt.x.1', 'evt.x.2');
      await eventually(() => expect(seen).toHaveLength(1));
      let stopped = false;
      const stopping = following.stop().then(() => (stopped = true));
      await sleep(100);
      expect(stopped).toBe(false);
      held.open();
      await stopping;
      expect(finished).toBe(1);
      expect(following.lastSeq).toBe(1);
      expect(await following.ended).toBeUndefined();
      await publishEvents('evt.x.3');
      await sleep(300);
      expect(seqs(seen)).toEqual([1]);
    });

    it('ends the following when the handler throws, keeping the cursor before the failed message so a new following retries it', async () => {
      await bus.provision(topology());
      await publishEvents('evt.x.1', 'evt.x.2', 'evt.x.3');
      const failure = new Error('client went away');
      const { seen, following } = await follow({ afterSeq: 0 }, (message) => {
        if (message.seq === 2) throw failure;
      });
      expect(await following.ended).toBe(failure);
      expect(following.lastSeq).toBe(1);
      await sleep(200);
      expect(seqs(seen)).toEqual([1, 2]);

      const again = await follow({ afterSeq: following.lastSeq });
      await eventually(() => expect(seqs(again.seen)).toEqual([2, 3]));
    });

    it('refuses to follow an unknown stream, a work-queue stream, or a filter outside the stream', async () => {
      await bus.provision(topology());
      await expect(bus.follow('NOPE', {}, () => undefined)).rejects.toBeInstanceOf(StreamNotFoundError);
      await expect(bus.follow('NOPE', {}, () => undefined)).rejects.toMatchObject({ code: 'BUS.STREAM_NOT_FOUND', stream: 'NOPE' });
      await expect(bus.follow('JOBS', {}, () => undefined)).rejects.toBeInstanceOf(TopologyError);
      await expect(bus.follow('EVENTS', { filterSubject: 'job.>' }, () => undefined)).rejects.toBeInstanceOf(TopologyError);
    });
  });

  describe(`${name}: key-value buckets`, () => {
    it('puts, gets, lists and deletes entries with increasing revisions', async () => {
      await bus.provision({ streams: [], consumers: [], buckets: [{ name: 'runners' }] });
      const runners = await bus.bucket('runners');
      const first = await runners.put('r-1', { load: 1 });
      const second = await runners.put('r_2', { load: 2, tags: ['gpu'] });
      const third = await runners.put('r-1', { load: 3 });
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);

      expect(await runners.get('r-1')).toEqual({ key: 'r-1', value: { load: 3 }, revision: third });
      expect(await runners.get('missing')).toBeUndefined();
      const listed = await runners.entries();
      expect([...listed].sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual([
        { key: 'r-1', value: { load: 3 }, revision: third },
        { key: 'r_2', value: { load: 2, tags: ['gpu'] }, revision: second },
      ]);

      await runners.delete('r-1');
      expect(await runners.get('r-1')).toBeUndefined();
      expect((await runners.entries()).map((e) => e.key)).toEqual(['r_2']);
      expect(await runners.put('r-1', 'back')).toBeGreaterThan(third);
      expect((await runners.get('r-1'))?.value).toBe('back');
    });

    it('refuses a key that is not a single subject token', async () => {
      await bus.provision({ streams: [], consumers: [], buckets: [{ name: 'runners' }] });
      const runners = await bus.bucket('runners');
      for (const key of ['a.b', 'a*', 'a b', '', '>']) await expect(runners.put(key, 1)).rejects.toBeInstanceOf(InvalidKeyError);
    });

    it('expires an entry not written again within the TTL', async () => {
      const ttlMs = 1000;
      await bus.provision({ streams: [], consumers: [], buckets: [{ name: 'leases', ttlMs }] });
      const leases = await bus.bucket('leases');
      const start = Date.now();
      await leases.put('idle', 1);
      await leases.put('busy', 1);
      await sleep(ttlMs * 0.6);
      await leases.put('busy', 2);
      expect((await leases.get('idle'))?.value).toBe(1);

      await eventually(async () => expect(await leases.get('idle')).toBeUndefined(), ttlMs * 3);
      expect(Date.now() - start).toBeGreaterThanOrEqual(ttlMs - 50);
      expect((await leases.get('busy'))?.value).toBe(2);
      expect((await leases.entries()).map((e) => e.key)).toEqual(['busy']);
      await eventually(async () => expect(await leases.entries()).toEqual([]), ttlMs * 3);
    }, SLOW);
  });
}
