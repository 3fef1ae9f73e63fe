import { EventSchemas, InMemoryEventStore, UpcastError, UpcastingEventStore } from '../src/index.js';

// History of a made-up event: v1 had `name`, v2 split it into `first`/`last`, v3 renamed the
// type and added a default.
const schemas = new EventSchemas([
  {
    type: 'UserRegistered',
    from: 1,
    upcast: ({ name, ...rest }) => {
      const [first, ...last] = String(name).split(' ');
      return { ...rest, first, last: last.join(' ') };
    },
  },
  { type: 'UserRegistered', from: 2, renamedTo: 'MemberJoined', upcast: (data) => ({ ...data, role: 'viewer' }) },
]);

describe('event schema versions', () => {
  it('records the current version of each type on append', async () => {
    const raw = new InMemoryEventStore();
    const store = new UpcastingEventStore(raw, schemas);
    await store.append('s-1', [{ id: 'e1', type: 'MemberJoined', data: { first: 'Ada', last: 'Lovelace', role: 'admin' } }, { id: 'e2', type: 'Other', data: {} }], { expected: 'no_stream' });
    expect((await raw.readStream('s-1')).events.map((e) => [e.type, e.schemaVersion])).toEqual([['MemberJoined', 3], ['Other', 1]]);
  });

  it('reads an old event as today’s shape, through every step and the rename', async () => {
    const raw = new InMemoryEventStore();
    await raw.append('s-1', [{ id: 'e1', type: 'UserRegistered', data: { name: 'Grace Brewster Hopper' }, schemaVersion: 1 }], { expected: 'no_stream' });
    await raw.append('s-1', [{ id: 'e2', type: 'UserRegistered', data: { first: 'Alan', last: 'Turing' }, schemaVersion: 2 }], { expected: 1 });
    const store = new UpcastingEventStore(raw, schemas);

    const expected = [
      ['MemberJoined', 3, { first: 'Grace', last: 'Brewster Hopper', role: 'viewer' }],
      ['MemberJoined', 3, { first: 'Alan', last: 'Turing', role: 'viewer' }],
    ];
    expect((await store.readStream('s-1')).events.map((e) => [e.type, e.schemaVersion, e.data])).toEqual(expected);
    expect((await store.readAll(undefined, 10)).events.map((e) => [e.type, e.schemaVersion, e.data])).toEqual(expected);
  });

  it('refuses an event written by a newer Orkestra instead of misreading it', async () => {
    const raw = new InMemoryEventStore();
    await raw.append('s-1', [{ id: 'e9', type: 'MemberJoined', data: {}, schemaVersion: 4 }], { expected: 'no_stream' });
    const read = new UpcastingEventStore(raw, schemas).readStream('s-1');
    await expect(read).rejects.toBeInstanceOf(UpcastError);
    await expect(read).rejects.toThrow(/e9 \(MemberJoined v4, stream s-1\) is newer than this Orkestra understands \(v3\)/);
  });

  it('refuses two upcasters for the same version', () => {
    expect(() => new EventSchemas([{ type: 'A', from: 1, upcast: (d) => d }, { type: 'A', from: 1, upcast: (d) => d }])).toThrow('Two upcasters for A v1');
  });
});
