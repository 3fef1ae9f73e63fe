import type { UserCommand } from '../../src/user/user.commands.js';
import type { UserEvent, UserRegistered } from '../../src/user/user.events.js';
import { NOW } from './fixtures.js';

export { NOW, later } from './fixtures.js';

/** Builds a user command issued by the instance admin `root` at `now` (NOW unless given). */
export function userCmd<T extends UserCommand['type']>(
  type: T,
  data: Extract<UserCommand, { type: T }>['data'],
  now: string = NOW,
): Extract<UserCommand, { type: T }> {
  return { type, data, metadata: { now, actor: 'root' } } as Extract<UserCommand, { type: T }>;
}

export function userEv<T extends UserEvent['type']>(type: T, data: Extract<UserEvent, { type: T }>['data']): Extract<UserEvent, { type: T }> {
  return { type, data } as Extract<UserEvent, { type: T }>;
}

export function userRegistered(overrides: Partial<UserRegistered['data']> = {}): UserRegistered {
  return userEv('UserRegistered', { userId: 'bob', name: 'Bob', kind: 'human', instanceAdmin: false, at: NOW, ...overrides });
}

/** A SHA-256-shaped hex digest, distinct per seed character. */
export const hashOf = (seed: string): string => seed.repeat(64).slice(0, 64);
