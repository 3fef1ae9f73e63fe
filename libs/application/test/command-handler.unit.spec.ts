import { DomainError, trakDecider } from '@orkestra/domain';
import type { TrakState } from '@orkestra/domain';
import { ConcurrencyError, InMemoryEventStore, commandHandler } from '../src/index.js';
import type { EventStore } from '../src/index.js';
import { trakFixtures } from '@orkestra/testing';

const { cancel, createTrak, projectOf, setAutoMode } = trakFixtures;

const newId = (): string => globalThis.crypto.randomUUID();
const handlerOn = (store: EventStore, maxAttempts?: number) =>
  commandHandler({ store, decider: trakDecider, newId, streamMetadata: projectOf, ...(maxAttempts !== undefined && { maxAttempts }) });

describe('handling a command', () => {
  it('appends the decided events with causation, correlation, actor and project in their metadata', async () => {
    const store = new InMemoryEventStore();
    const result = await handlerOn(store)('trak-1', createTrak('t1'), { commandId: 'cmd-1', correlationId: 'corr-9' });

    const { events } = await store.readStream('trak-1');
    expect(events.map((e) => e.type)).toEqual(result.events.map((e) => e.type));
    expect(events[0]!.type).toBe('TrakCreated');
    expect(events[0]!.metadata).toMatchObject({ commandId: 'cmd-1', causationId: 'cmd-1', correlationId: 'corr-9', actor: 'alice', projectId: 'project-1', commandType: 'CreateTrak' });
    expect(result).toMatchObject({ streamPosition: events.length, repeated: false });
    expect((result.state as TrakState).status).not.toBe('Initial');
  });

  it('starts a new correlation at the command when none is given', async () => {
    const store = new InMemoryEventStore();
    await handlerOn(store)('trak-1', createTrak('t1'), { commandId: 'cmd-1' });
    expect((await store.readStream('trak-1')).events[0]!.metadata).toMatchObject({ causationId: 'cmd-1', correlationId: 'cmd-1' });
  });

  it('refuses a command the domain rejects and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const handle = handlerOn(store);
    await handle('trak-1', createTrak('t1'));
    const before = (await store.readStream('trak-1')).streamPosition;

    const refused = handle('trak-1', createTrak('t1'));
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'TRAK.ALREADY_EXISTS' });
    expect((await store.readStream('trak-1')).streamPosition).toBe(before);
  });

  it('says a Trak is not found when the stream is empty', async () => {
    await expect(handlerOn(new InMemoryEventStore())('trak-404', cancel('nope'))).rejects.toMatchObject({ code: 'TRAK.NOT_FOUND' });
  });

  it('appends nothing the second time a command with the same idempotency key arrives', async () => {
    const store = new InMemoryEventStore();
    const handle = handlerOn(store);
    await handle('trak-1', createTrak('t1'));
    const first = await handle('trak-1', setAutoMode(true), { idempotencyKey: 'toggle-1' });
    const position = (await store.readStream('trak-1')).streamPosition;

    const again = await handle('trak-1', setAutoMode(true), { idempotencyKey: 'toggle-1' });

    expect(again.repeated).toBe(true);
    expect(again.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect((await store.readStream('trak-1')).streamPosition).toBe(position);
  });

  it('lets two writers race on one stream: the loser reads again, decides again, and both facts land in order', async () => {
    const store = new InMemoryEventStore();
    let conflicts = 0;
    const counting: EventStore = {
      readStream: (id, options) => store.readStream(id, options),
      readAll: (after, limit) => store.readAll(after, limit),
      append: (id, events, options) =>
        store.append(id, events, options).catch((error: unknown) => {
          if (ConcurrencyError.is(error)) conflicts++;
          throw error;
        }),
    };
    const handle = handlerOn(counting);
    await handle('trak-1', createTrak('t1'));

    const [a, b] = await Promise.all([handle('trak-1', setAutoMode(true, 'bob')), handle('trak-1', cancel('no longer needed'))]);

    const { events } = await store.readStream('trak-1');
    expect(conflicts).toBe(1);
    expect(events.slice(-2).map((e) => [e.type, e.metadata['actor']])).toEqual([['AutoModeSet', 'bob'], ['TrakCancelled', 'carol']]);
    expect(b.streamPosition).toBe(a.streamPosition + 1);
  });

  it('decides on a state the caller already knows without reading the stream, and reads again if it was stale', async () => {
    const store = new InMemoryEventStore();
    const handle = handlerOn(store);
    const created = await handle('trak-1', createTrak('t1'));
    let reads = 0;
    const counting: EventStore = { ...store, append: store.append.bind(store), readAll: store.readAll.bind(store), readStream: (id) => (reads++, store.readStream(id)) };

    const fresh = await handlerOn(counting)('trak-1', setAutoMode(true), { known: { state: created.state, streamPosition: created.streamPosition } });
    expect(reads).toBe(0);
    expect(fresh.events.map((e) => e.type)).toEqual(['AutoModeSet']);

    // The stream moved since `created`: the append is refused, the handler reads and decides again.
    const stale = await handlerOn(counting)('trak-1', cancel('done'), { known: { state: created.state, streamPosition: created.streamPosition } });
    expect(reads).toBe(1);
    expect((await store.readStream('trak-1')).events.map((e) => e.type)).toEqual([...created.events.map((e) => e.type), 'AutoModeSet', ...stale.events.map((e) => e.type)]);
  });

  it('gives up with a ConcurrencyError when another writer keeps moving the stream', async () => {
    const inner = new InMemoryEventStore();
    await handlerOn(inner)('trak-1', createTrak('t1'));
    const busy: EventStore = {
      readStream: (id, options) => inner.readStream(id, options),
      readAll: (after, limit) => inner.readAll(after, limit),
      append: async (id, events, options) => {
        await inner.append(id, [{ id: newId(), type: 'AutoModeSet', data: { enabled: false, at: '2026-11-24T10:00:00.000Z' } }], { expected: 'any' });
        return inner.append(id, events, options);
      },
    };

    const attempt = handlerOn(busy, 3)('trak-1', setAutoMode(true));
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(attempt).rejects.toMatchObject({ code: 'EVENT_STORE.CONCURRENCY', streamId: 'trak-1' });
  });
});
