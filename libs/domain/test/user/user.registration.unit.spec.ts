import { instancePermits, mayManageTokensOf } from '../../src/user/user.access.js';
import { userDecider } from '../../src/user/user.decide.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, later, userCmd, userEv, userRegistered } from '../support/user-fixtures.js';

const spec = deciderSpecification(userDecider);

describe('a user that does not exist', () => {
  it('is registered as a human who is not an instance admin unless told', () => {
    spec([])
      .when(userCmd('RegisterUser', { userId: 'bob', name: ' Bob ', kind: 'human' }))
      .thenState((state, decided) => {
        expect(decided).toEqual([userRegistered()]);
        expect(state).toEqual({
          status: 'Active',
          user: { userId: 'bob', name: 'Bob', kind: 'human', instanceAdmin: false, tokens: {}, createdAt: NOW, updatedAt: NOW },
        });
      });
  });

  it('is registered as a service, or as the bootstrap instance admin, with an email', () => {
    spec([])
      .when(userCmd('RegisterUser', { userId: 'gateway', name: 'Gateway', kind: 'service' }))
      .then([userRegistered({ userId: 'gateway', name: 'Gateway', kind: 'service' })]);
    spec([])
      .when(userCmd('RegisterUser', { userId: 'root', name: 'Root', kind: 'human', instanceAdmin: true, email: 'root@example.com' }))
      .then([userRegistered({ userId: 'root', name: 'Root', instanceAdmin: true, email: 'root@example.com' })]);
  });

  it.each([
    ['userId', { userId: 'bob smith' }, /userId "bob smith" must be 1–64 letters, digits/],
    ['userId', { userId: 'a/b' }, /userId/],
    ['name', { name: '' }, /name must not be blank/],
    ['kind', { kind: 'robot' }, /kind "robot" must be one of human, service/],
    ['email', { email: 'bob' }, /email "bob" is not an email address/],
  ])('refuses a bad %s, naming it', (field, data, message) => {
    spec([])
      .when(userCmd('RegisterUser', { userId: 'bob', name: 'Bob', kind: 'human', ...(data as object) } as never))
      .thenThrows('USER.VALIDATION', message, { field });
  });

  it.each([
    userCmd('DisableUser', {}),
    userCmd('IssueToken', { tokenId: 't1', name: 'laptop', tokenHash: 'a'.repeat(64) }),
    userCmd('RevokeToken', { tokenId: 't1' }),
  ])('refuses $type', (command) => {
    spec([]).when(command).thenThrows('USER.NOT_FOUND', new RegExp(`Cannot ${command.type}: the user does not exist`));
  });
});

describe('an active user', () => {
  it('cannot be registered again', () => {
    spec([userRegistered()]).when(userCmd('RegisterUser', { userId: 'bob', name: 'Bob', kind: 'human' })).thenThrows('USER.ALREADY_EXISTS', /User bob already exists/);
  });

  it('is disabled with a reason, keeping its record', () => {
    spec([userRegistered()])
      .when(userCmd('DisableUser', { reason: 'left the team' }, later(5)))
      .thenState((state, decided) => {
        expect(decided).toEqual([userEv('UserDisabled', { reason: 'left the team', at: later(5) })]);
        expect(state).toMatchObject({ status: 'Disabled', reason: 'left the team', disabledAt: later(5), user: { userId: 'bob', updatedAt: later(5) } });
      });
  });

  it('is disabled without a reason', () => {
    spec([userRegistered()]).when(userCmd('DisableUser', { reason: '  ' })).then([userEv('UserDisabled', { at: NOW })]);
  });
});

describe('a disabled user', () => {
  it('cannot be disabled again', () => {
    spec([userRegistered(), userEv('UserDisabled', { at: NOW })])
      .when(userCmd('DisableUser', {}))
      .thenThrows('USER.ILLEGAL_TRANSITION', /User bob is already disabled \(since 2026-11-24T10:00:00.000Z\)/);
  });
});

describe('what only an instance admin may do', () => {
  it('is registering projects and users and disabling users', () => {
    for (const action of ['registerProject', 'registerUser', 'disableUser'] as const) {
      expect(instancePermits({ instanceAdmin: true }, action)).toBe(true);
      expect(instancePermits({ instanceAdmin: false }, action)).toBe(false);
    }
  });

  it("includes managing someone else's tokens; everyone manages their own", () => {
    expect(mayManageTokensOf({ userId: 'bob', instanceAdmin: false }, 'bob')).toBe(true);
    expect(mayManageTokensOf({ userId: 'bob', instanceAdmin: false }, 'gateway')).toBe(false);
    expect(mayManageTokensOf({ userId: 'root', instanceAdmin: true }, 'gateway')).toBe(true);
  });
});
