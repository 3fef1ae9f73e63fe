import type { Command, Decider, Event, PendingCommand, TrakState } from '@orkestra/domain';
import { trakFixtures } from '@orkestra/testing';
import { EventSchemas, InMemoryEventStore, ORKESTRA_EVENT_SCHEMAS, aggregateCommands, trakCommands, trakStreamId } from '../src/index.js';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const pending = <C extends { metadata: unknown }>({ metadata: _, ...command }: C): Omit<C, 'metadata'> => command;
const create = (trakId: string, projectId = 'p-1'): PendingCommand => pending(trakFixtures.createTrak(trakId, projectId));

describe('commands to Traks', () => {
  it('stamp the time from the clock and the actor from the caller, and write the project, causation and correlation', async () => {
    const store = new InMemoryEventStore();
    const traks = trakCommands({ store, clock: () => T0 });

    const result = await traks.handle('t-1', create('t-1', 'p-9'), { actor: 'alice', correlationId: 'corr-1', commandId: 'cmd-1' });

    const { events } = await store.readStream(trakStreamId('t-1'));
    expect(events.map((e) => e.type)).toEqual(result.events.map((e) => e.type));
    expect(events[0]).toMatchObject({
      type: 'TrakCreated',
      schemaVersion: ORKESTRA_EVENT_SCHEMAS.currentVersion('TrakCreated'),
      data: expect.objectContaining({ at: T0.toISOString(), projectId: 'p-9' }),
      metadata: { actor: 'alice', projectId: 'p-9', commandType: 'CreateTrak', commandId: 'cmd-1', causationId: 'cmd-1', correlationId: 'corr-1' },
    });
  });

  it('join the conversation being served when the sender names none, and keep the one a sender names', async () => {
    let serving: string | undefined = 'req-7';
    const traks = trakCommands({ store: new InMemoryEventStore(), clock: () => T0, correlation: () => serving });

    const joined = await traks.handle('t-1', create('t-1'), { actor: 'alice' });
    const named = await traks.handle('t-1', { type: 'SetAutoMode', data: { enabled: true } }, { actor: 'scheduler', correlationId: 'corr-2' });
    serving = undefined;
    const own = await traks.handle('t-1', { type: 'SetAutoMode', data: { enabled: false } }, { actor: 'bob', commandId: 'cmd-3' });

    expect([joined, named, own].map((r) => r.events[0]!.metadata['correlationId'])).toEqual(['req-7', 'corr-2', 'cmd-3']);
  });

  it('take the time the caller gives over the clock', async () => {
    const traks = trakCommands({ store: new InMemoryEventStore(), clock: () => T0 });
    await traks.handle('t-1', create('t-1'), { actor: 'alice' });

    const { events } = await traks.handle('t-1', { type: 'SetAutoMode', data: { enabled: true } }, { actor: 'bob', now: '2026-11-24T11:00:00.000Z' });

    expect(events.map((e) => [e.type, e.data['at'], e.metadata['actor']])).toEqual([['AutoModeSet', '2026-11-24T11:00:00.000Z', 'bob']]);
  });

  it('read a Trak as the decider sees it, and append nothing for a repeated idempotency key', async () => {
    const traks = trakCommands({ store: new InMemoryEventStore() });
    await traks.handle('t-1', create('t-1'), { actor: 'alice' });
    const first = await traks.handle('t-1', { type: 'Cancel', data: { reason: 'duplicate' } }, { actor: 'carol', idempotencyKey: 'cancel-1' });

    const again = await traks.handle('t-1', { type: 'Cancel', data: { reason: 'duplicate' } }, { actor: 'carol', idempotencyKey: 'cancel-1' });
    const { state, streamPosition, events } = await traks.read('t-1');

    expect(again).toMatchObject({ repeated: true, events: first.events });
    expect(state.status).toBe('Cancelled');
    expect(streamPosition).toBe(events.length);
    expect(traks.streamId('t-1')).toBe('trak-t-1');
  });

  it('refuse what the Trak refuses and append nothing', async () => {
    const store = new InMemoryEventStore();
    const traks = trakCommands({ store });
    await expect(traks.handle('t-404', { type: 'Cancel', data: { reason: 'nope' } }, { actor: 'carol' })).rejects.toMatchObject({ code: 'TRAK.NOT_FOUND' });
    expect((await traks.read('t-404')).streamPosition).toBe(0);
  });

  it('read and decide on events of an older shape through the upcasters', async () => {
    const store = new InMemoryEventStore();
    // An imagined older Orkestra called it AutoModeToggled with an `on` flag.
    const schemas = new EventSchemas([
      { type: 'AutoModeToggled', from: 1, renamedTo: 'AutoModeSet', upcast: ({ on, at }) => ({ enabled: on, at }) },
    ]);
    const traks = trakCommands({ store, schemas });
    await traks.handle('t-1', create('t-1'), { actor: 'alice' });
    await store.append(trakStreamId('t-1'), [{ id: 'old-1', type: 'AutoModeToggled', data: { on: true, at: T0.toISOString() }, schemaVersion: 1 }], { expected: 'any' });

    const { state, events } = await traks.read('t-1');
    const turnedOff = await traks.handle('t-1', { type: 'SetAutoMode', data: { enabled: false } }, { actor: 'bob' });

    expect(events.at(-1)).toMatchObject({ id: 'old-1', type: 'AutoModeSet', data: { enabled: true }, schemaVersion: 2 });
    expect((state as Extract<TrakState, { trak: unknown }>).trak.autoMode).toBe(true);
    expect(turnedOff.events.map((e) => e.type)).toEqual(['AutoModeSet']);
    expect((await store.readStream(trakStreamId('t-1'))).events.at(-1)).toMatchObject({ type: 'AutoModeSet', schemaVersion: 2 });
  });

  it('decide on a state the caller knows without reading the stream', async () => {
    const inner = new InMemoryEventStore();
    let reads = 0;
    const store = { append: inner.append.bind(inner), readAll: inner.readAll.bind(inner), readStream: (id: string) => (reads++, inner.readStream(id)) };
    const traks = trakCommands({ store });
    const created = await traks.handle('t-1', create('t-1'), { actor: 'alice' });
    reads = 0;

    await traks.handle('t-1', { type: 'SetAutoMode', data: { enabled: true } }, { actor: 'scheduler', known: { state: created.state, streamPosition: created.streamPosition, events: created.events } });

    expect(reads).toBe(0);
  });
});

// Any other aggregate reuses the same wiring: here a counter on `counter-<id>` streams.
type Add = Command<'Add', { readonly by: number }>;
type Added = Event<'Added', { readonly by: number; readonly at: string; readonly who: string }>;
const counter: Decider<number, Add, Added> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    if (total + command.data.by > 10) throw Object.assign(new Error('too much'), { code: 'COUNTER.OVER' });
    return [{ type: 'Added', data: { by: command.data.by, at: command.metadata.now, who: command.metadata.actor ?? '?' } }];
  },
};

describe('another aggregate', () => {
  it('gets the same command path from its decider and stream naming', async () => {
    const store = new InMemoryEventStore();
    const counters = aggregateCommands({ store, decider: counter, streamId: (id) => `counter-${id}`, streamMetadata: (total) => ({ total }), clock: () => T0 });

    await counters.handle('c-1', { type: 'Add', data: { by: 4 } }, { actor: 'dan' });
    await counters.handle('c-1', { type: 'Add', data: { by: 5 } }, { actor: 'eve' });

    expect((await counters.read('c-1')).state).toBe(9);
    await expect(counters.handle('c-1', { type: 'Add', data: { by: 5 } }, { actor: 'dan' })).rejects.toMatchObject({ code: 'COUNTER.OVER' });
    expect((await store.readStream('counter-c-1')).events.map((e) => [e.data, e.metadata['total'], e.metadata['actor']])).toEqual([
      [{ by: 4, at: T0.toISOString(), who: 'dan' }, 4, 'dan'],
      [{ by: 5, at: T0.toISOString(), who: 'eve' }, 9, 'eve'],
    ]);
  });
});
