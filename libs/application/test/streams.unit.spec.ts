import { projectDecider, userDecider } from '@orkestra/domain';
import type { ProjectCommand, UserCommand } from '@orkestra/domain';
import { eventSubject } from '@orkestra/contracts';
import {
  InMemoryEventStore,
  commandHandler,
  projectIdOf,
  projectStreamId,
  projectStreamMetadata,
  trakIdOf,
  trakStreamId,
  userIdOf,
  userStreamId,
  userStreamMetadata,
} from '../src/index.js';

const newId = (): string => globalThis.crypto.randomUUID();
const NOW = '2026-11-24T10:00:00.000Z';

describe('stream ids', () => {
  it('name their kind of stream and give back the id, even one with dashes', () => {
    expect(projectStreamId('shop-front')).toBe('project-shop-front');
    expect(projectIdOf('project-shop-front')).toBe('shop-front');
    expect(userIdOf(userStreamId('bob'))).toBe('bob');
    expect(trakIdOf(trakStreamId('t-1'))).toBe('t-1');
  });

  it('belong to one kind of stream only', () => {
    expect(projectIdOf(trakStreamId('t-1'))).toBeUndefined();
    expect(trakIdOf(projectStreamId('shop'))).toBeUndefined();
    expect(userIdOf(projectStreamId('shop'))).toBeUndefined();
    expect(projectIdOf('project-')).toBeUndefined();
  });
});

describe('events of a project stream', () => {
  it("carry the project id, so they are published under the project's subjects", async () => {
    const store = new InMemoryEventStore();
    const handle = commandHandler({ store, decider: projectDecider, newId, streamMetadata: projectStreamMetadata });
    const register: ProjectCommand = {
      type: 'RegisterProject',
      data: { projectId: 'shop-front', name: 'Shop', remote: '/srv/git/shop.git', baseBranch: 'main' },
      metadata: { now: NOW, actor: 'alice' },
    };
    await handle(projectStreamId('shop-front'), register);

    const [event] = (await store.readStream('project-shop-front')).events;
    expect(event!.metadata).toMatchObject({ projectId: 'shop-front', actor: 'alice', commandType: 'RegisterProject' });
    expect(eventSubject(event!)).toBe('ork.evt.shop-front.project.project-shop-front.ProjectRegistered');
  });
});

describe('events of a user stream', () => {
  it('carry the user id and belong to no project', async () => {
    const store = new InMemoryEventStore();
    const handle = commandHandler({ store, decider: userDecider, newId, streamMetadata: userStreamMetadata });
    const register: UserCommand = { type: 'RegisterUser', data: { userId: 'bob', name: 'Bob', kind: 'human' }, metadata: { now: NOW, actor: 'root' } };
    await handle(userStreamId('bob'), register);

    const [event] = (await store.readStream('user-bob')).events;
    expect(event!.metadata).toMatchObject({ userId: 'bob' });
    expect(eventSubject(event!)).toBe('ork.evt._.user.user-bob.UserRegistered');
  });
});
