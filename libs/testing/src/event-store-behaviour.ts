// Uses Jest's injected globals (describe, it, expect), so this package also loads outside Jest.
import { ConcurrencyError, DuplicateEventError } from '@orkestra/application';
import type { EventStore, NewEvent } from '@orkestra/application';
import { eventually } from './eventually.js';

const newEvent = (type: string, data: object = {}): NewEvent => ({ id: globalThis.crypto.randomUUID(), type, data });
const streamId = (): string => `test-${globalThis.crypto.randomUUID()}`;

/**
 * What every EventStore must do. Runs against the in-memory store and the Postgres store, so
 * the fake cannot drift from the real thing.
 */
export function describeEventStoreBehaviour(name: string, store: () => EventStore): void {
  describe(`${name}: appending and reading a stream`, () => {
    it('appends events to a new stream and reads them back in order with their positions', async () => {
      const id = streamId();
      const result = await store().append(id, [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })], { expected: 'no_stream' });
      expect(result.streamPosition).toBe(2);
      const { streamPosition, events } = await store().readStream(id);
      expect(streamPosition).toBe(2);
      expect(events.map((e) => [e.type, e.streamPosition, e.data])).toEqual([['A', 1, { n: 1 }], ['B', 2, { n: 2 }]]);
      expect(events[1]!.globalPosition).toBeGreaterThan(events[0]!.globalPosition);
    });

    it('keeps metadata and schema version', async () => {
      const id = streamId();
      await store().append(id, [{ ...newEvent('A'), metadata: { correlationId: 'c-1' }, schemaVersion: 2 }], { expected: 'no_stream' });
      const [event] = (await store().readStream(id)).events;
      expect(event).toMatchObject({ metadata: { correlationId: 'c-1' }, schemaVersion: 2 });
    });

    it('reads a stream from a position', async () => {
      const id = streamId();
      await store().append(id, [newEvent('A'), newEvent('B'), newEvent('C')], { expected: 0 });
      expect((await store().readStream(id, { fromPosition: 2 })).events.map((e) => e.type)).toEqual(['B', 'C']);
    });

    it('reports the stream position when reading past its end', async () => {
      const id = streamId();
      await store().append(id, [newEvent('A'), newEvent('B')], { expected: 0 });
      expect(await store().readStream(id, { fromPosition: 5 })).toEqual({ streamPosition: 2, events: [] });
    });

    it('reads an unknown stream as empty at position 0', async () => {
      expect(await store().readStream(streamId())).toEqual({ streamPosition: 0, events: [] });
    });
  });

  describe(`${name}: optimistic concurrency`, () => {
    it('refuses an append at a stale position with a typed error, appending nothing', async () => {
      const id = streamId();
      await store().append(id, [newEvent('A')], { expected: 'no_stream' });
      await store().append(id, [newEvent('B')], { expected: 1 });
      const attempt = store().append(id, [newEvent('C'), newEvent('D')], { expected: 1 });
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store().append(id, [newEvent('C')], { expected: 1 })).rejects.toMatchObject({ code: 'EVENT_STORE.CONCURRENCY', streamId: id, expected: 1, actual: 2 });
      expect((await store().readStream(id)).events.map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('refuses to create a stream that already exists', async () => {
      const id = streamId();
      await store().append(id, [newEvent('A')], { expected: 'no_stream' });
      await expect(store().append(id, [newEvent('B')], { expected: 'no_stream' })).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('appends at the end whatever the position when told any', async () => {
      const id = streamId();
      await store().append(id, [newEvent('A')], { expected: 'any' });
      await store().append(id, [newEvent('B')], { expected: 'any' });
      expect((await store().readStream(id)).events.map((e) => [e.type, e.streamPosition])).toEqual([['A', 1], ['B', 2]]);
    });

    it('lets one of two racing writers win; the other retries and both facts land in order', async () => {
      const id = streamId();
      await store().append(id, [newEvent('Opened')], { expected: 'no_stream' });
      const write = async (type: string): Promise<void> => {
        for (;;) {
          const { streamPosition } = await store().readStream(id);
          try {
            await store().append(id, [newEvent(type)], { expected: streamPosition });
            return;
          } catch (error) {
            if (!ConcurrencyError.is(error)) throw error;
          }
        }
      };
      await Promise.all([write('Left'), write('Right')]);
      const types = (await store().readStream(id)).events.map((e) => e.type);
      expect(types[0]).toBe('Opened');
      expect([...types.slice(1)].sort()).toEqual(['Left', 'Right']);
      expect((await store().readStream(id)).events.map((e) => e.streamPosition)).toEqual([1, 2, 3]);
    });

    it('refuses an event id that is already in the log, appending nothing', async () => {
      const id = streamId();
      const event = newEvent('A');
      await store().append(id, [event], { expected: 'no_stream' });
      await expect(store().append(streamId(), [newEvent('X'), event], { expected: 'no_stream' })).rejects.toBeInstanceOf(DuplicateEventError);
      expect((await store().readStream(id)).events).toHaveLength(1);
    });
  });

  describe(`${name}: reading the whole log`, () => {
    it('returns every event in commit order, in batches that resume where the last one stopped', async () => {
      const first = await store().readAll(undefined, 1_000_000);
      const [a, b] = [streamId(), streamId()];
      await store().append(a, [newEvent('A1'), newEvent('A2')], { expected: 'no_stream' });
      await store().append(b, [newEvent('B1')], { expected: 'no_stream' });
      await store().append(a, [newEvent('A3')], { expected: 2 });

      // Readers wait behind any write transaction open on the server (other spec files run
      // beside this one), so keep reading until the batches reach these events.
      const seen: string[] = [];
      let position = first.position;
      await eventually(async () => {
        for (let batch = await store().readAll(position, 2); batch.events.length > 0; batch = await store().readAll(position, 2)) {
          seen.push(...batch.events.filter((e) => e.streamId === a || e.streamId === b).map((e) => e.type));
          position = batch.position;
        }
        expect(seen).toEqual(['A1', 'A2', 'B1', 'A3']);
      });
    });
  });
}
