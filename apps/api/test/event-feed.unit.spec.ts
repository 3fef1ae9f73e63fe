import { afterEach, describe, expect, it } from '@jest/globals';
import { InProcessBus } from '@orkestra/application';
import { EVENTS_STREAM } from '@orkestra/contracts';
import { eventually } from '@orkestra/testing';
import { EventFeed } from '../src/subscriptions/event-feed.js';
import type { FeedEvent, PublishedEvent } from '../src/subscriptions/event-feed.js';

let bus: InProcessBus;
let feed: EventFeed<string>;

const publish = async (trak: string, position: number): Promise<number> => {
  const event: PublishedEvent = {
    id: `${trak}-${position}`,
    streamId: `trak-${trak}`,
    streamPosition: position,
    globalPosition: position,
    transactionId: String(position),
    type: 'StageQueued',
    data: { at: '2026-12-02T10:00:00.000Z' },
    metadata: { projectId: 'p' },
    schemaVersion: 1,
    createdAt: '2026-12-02T10:00:00.000Z',
  };
  return (await bus.publish(`ork.evt.p.trak.trak-${trak}.StageQueued`, JSON.stringify(event), { msgId: event.id })).seq;
};

const logs: { message: string; fields?: Record<string, unknown> }[] = [];

async function start(bufferSize: number, stream: typeof EVENTS_STREAM | (typeof EVENTS_STREAM & { maxBytes: number }) = EVENTS_STREAM): Promise<void> {
  bus = new InProcessBus();
  await bus.provision({ streams: [stream], consumers: [], buckets: [] });
  logs.length = 0;
  feed = new EventFeed(bus, {
    bufferSize,
    wants: (subject) => subject.includes('.trak.'),
    enrich: async (e) => `${e.streamId}#${e.streamPosition}`,
    log: (message, fields) => logs.push({ message, ...(fields !== undefined && { fields }) }),
  });
}

function collect(after: number | undefined, only?: string) {
  const got: FeedEvent<string>[] = [];
  const subscribed = feed.subscribe({ matches: (e) => only === undefined || e.event.streamId === `trak-${only}`, deliver: (e) => got.push(e) }, after);
  return { got, subscribed };
}

afterEach(async () => {
  await feed.close();
  await bus.close();
});

describe('the shared event feed', () => {
  it('serves a cursor older than its memory from the bus, then live, each event once and in order, even while events keep coming', async () => {
    await start(2);
    const warm = collect(undefined);
    await warm.subscribed;
    for (let i = 1; i <= 10; i++) await publish('a', i);
    await eventually(() => expect(warm.got).toHaveLength(10));

    const late = collect(3);
    const publishing = (async () => {
      for (let i = 11; i <= 20; i++) await publish('a', i);
    })();
    await late.subscribed;
    await publishing;
    await eventually(() => expect(late.got.map((e) => e.detail)).toEqual(Array.from({ length: 17 }, (_, i) => `trak-a#${i + 4}`)));
    expect(late.got.map((e) => e.seq)).toEqual(Array.from({ length: 17 }, (_, i) => i + 4));
  });

  it('replays from memory when the cursor is recent, and only what the subscriber wants', async () => {
    await start(100);
    await collect(undefined).subscribed;
    for (let i = 1; i <= 3; i++) {
      await publish('a', i);
      await publish('b', i);
    }
    const onlyB = collect(2, 'b');
    await onlyB.subscribed;
    await eventually(() => expect(onlyB.got.map((e) => e.detail)).toEqual(['trak-b#2', 'trak-b#3']));
  });

  it('skips an event that is not one, saying why, and goes on with the next', async () => {
    await start(100);
    const live = collect(undefined);
    await live.subscribed;
    await publish('a', 1);
    await bus.publish('ork.evt.p.trak.trak-a.StageQueued', JSON.stringify({ id: 'x', streamId: 'trak-a' }), { msgId: 'x' });
    await bus.publish('ork.evt.p.trak.trak-a.StageQueued', 'not json', { msgId: 'y' });
    await publish('a', 2);

    await eventually(() => expect(live.got.map((e) => e.detail)).toEqual(['trak-a#1', 'trak-a#2']));
    expect(logs.map((l) => [l.message, l.fields?.['reason']])).toEqual([
      ['malformed message refused', 'event.streamPosition: missing (expected number); event.globalPosition: missing (expected number); event.transactionId: missing (expected string) (and 5 more)'],
      ['malformed message refused', expect.stringMatching(/^event: not JSON/)],
    ]);
  });

  it('refuses a cursor older than what the stream keeps with CURSOR_EXPIRED', async () => {
    await start(1, { ...EVENTS_STREAM, maxBytes: 600 });
    await collect(undefined).subscribed;
    for (let i = 1; i <= 10; i++) await publish('a', i);
    await expect(collect(1).subscribed).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED', field: 'after' } });
  });
});
