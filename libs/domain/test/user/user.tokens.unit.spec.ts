import { findToken, tokenValidity } from '../../src/user/user.access.js';
import { userDecider } from '../../src/user/user.decide.js';
import type { UserEvent } from '../../src/user/user.events.js';
import { deciderSpecification } from '../support/decider-specification.js';
import { NOW, hashOf, later, userCmd, userEv, userRegistered } from '../support/user-fixtures.js';

const spec = deciderSpecification(userDecider);

const issued = (tokenId = 't1', seed = 'a', expiresAt?: string): UserEvent =>
  userEv('TokenIssued', { tokenId, name: 'laptop', tokenHash: hashOf(seed), at: NOW, ...(expiresAt !== undefined && { expiresAt }) });

const issue = (data: Partial<{ tokenId: string; name: string; tokenHash: string; expiresAt: string }> = {}) =>
  userCmd('IssueToken', { tokenId: 't1', name: 'laptop', tokenHash: hashOf('a'), ...data });

const stateOf = (events: readonly UserEvent[]) => events.reduce(userDecider.evolve, userDecider.initialState());

describe('an active user', () => {
  it('is issued a token, recording its hash only', () => {
    spec([userRegistered()])
      .when(issue({ name: ' CI ', expiresAt: '2027-01-01T00:00:00Z' }))
      .thenState((state, decided) => {
        expect(decided).toEqual([
          userEv('TokenIssued', { tokenId: 't1', name: 'CI', tokenHash: hashOf('a'), expiresAt: '2027-01-01T00:00:00.000Z', at: NOW }),
        ]);
        expect(state).toMatchObject({ user: { tokens: { t1: { tokenId: 't1', name: 'CI', tokenHash: hashOf('a'), createdAt: NOW, expiresAt: '2027-01-01T00:00:00.000Z' } } } });
      });
  });

  it('is issued a token that never expires', () => {
    spec([userRegistered()]).when(issue()).then([issued()]);
  });

  it('refuses a plaintext secret where the hash belongs, without recording it', () => {
    spec([userRegistered()])
      .when(issue({ tokenHash: 'ork_live_8f2a9c' }))
      .thenThrows('USER.VALIDATION', /tokenHash must be the SHA-256 of the token secret as 64 lowercase hex digits/, { field: 'tokenHash' });
  });

  it.each([
    ['name', { name: '  ' }, /name must not be blank/],
    ['tokenId', { tokenId: '' }, /tokenId "" must be/],
    ['expiresAt', { expiresAt: NOW }, /expiresAt 2026-11-24T10:00:00.000Z must be later than now/],
    ['expiresAt', { expiresAt: '2026-01-01T00:00:00Z' }, /must be later than now/],
    ['expiresAt', { expiresAt: 'next week' }, /expiresAt "next week" is not a date and time/],
  ])('refuses a bad %s, naming it', (field, data, message) => {
    spec([userRegistered()]).when(issue(data)).thenThrows('USER.VALIDATION', message, { field });
  });

  it('refuses a token id it already has, even a revoked one', () => {
    const history = [userRegistered(), issued('t1'), userEv('TokenRevoked', { tokenId: 't1', at: NOW })];
    spec(history).when(issue({ tokenHash: hashOf('b') })).thenThrows('USER.VALIDATION', /already has a token t1; token ids are never reused/, { field: 'tokenId' });
  });

  it('refuses a second token with the same hash', () => {
    spec([userRegistered(), issued('t1', 'a')]).when(issue({ tokenId: 't2' })).thenThrows('USER.VALIDATION', /already has a token with this hash/, { field: 'tokenHash' });
  });

  it('revokes a token', () => {
    spec([userRegistered(), issued('t1'), issued('t2', 'b')])
      .when(userCmd('RevokeToken', { tokenId: 't1' }, later(30)))
      .thenState((state, decided) => {
        expect(decided).toEqual([userEv('TokenRevoked', { tokenId: 't1', at: later(30) })]);
        expect(state).toMatchObject({ user: { tokens: { t1: { revokedAt: later(30) }, t2: { name: 'laptop' } } } });
        expect(state.status === 'Active' && state.user.tokens['t2']!.revokedAt).toBeUndefined();
      });
  });

  it('refuses to revoke a token it does not have, naming those it has', () => {
    spec([userRegistered(), issued('t1'), issued('t2', 'b')])
      .when(userCmd('RevokeToken', { tokenId: 't9' }))
      .thenThrows('USER.VALIDATION', /User bob has no token t9 \(its tokens are t1, t2\)/, { field: 'tokenId' });
    spec([userRegistered()]).when(userCmd('RevokeToken', { tokenId: 't9' })).thenThrows('USER.VALIDATION', /has no token t9 \(it has none\)/);
  });

  it('refuses to revoke a token twice, saying when it was revoked', () => {
    spec([userRegistered(), issued('t1'), userEv('TokenRevoked', { tokenId: 't1', at: later(30) })])
      .when(userCmd('RevokeToken', { tokenId: 't1' }))
      .thenThrows('USER.ILLEGAL_TRANSITION', /Token t1 of user bob was already revoked at 2026-11-24T10:00:30.000Z/);
  });
});

describe('a disabled user', () => {
  const disabled = () => [userRegistered(), issued('t1'), userEv('UserDisabled', { at: NOW })];

  it('is issued no new token', () => {
    spec(disabled()).when(issue({ tokenId: 't2', tokenHash: hashOf('b') })).thenThrows('USER.ILLEGAL_TRANSITION', /Cannot issue a token to user bob: the user is disabled/);
  });

  it('may still have its tokens revoked', () => {
    spec(disabled()).when(userCmd('RevokeToken', { tokenId: 't1' })).thenEventTypes(['TokenRevoked']);
  });
});

describe('a presented token', () => {
  it('lets its holder in when known, live and owned by an active user', () => {
    const state = stateOf([userRegistered(), issued('t1', 'a', later(3600))]);
    expect(tokenValidity(findToken(state, hashOf('a')), later(3599))).toEqual({ valid: true, userId: 'bob', tokenId: 't1' });
  });

  it('is refused when no user has its hash', () => {
    const state = stateOf([userRegistered(), issued('t1', 'a')]);
    expect(tokenValidity(findToken(state, hashOf('b')), NOW)).toEqual({ valid: false, reason: 'Unknown', message: 'the token is not known' });
  });

  it('stops working at its expiry', () => {
    const state = stateOf([userRegistered(), issued('t1', 'a', later(3600))]);
    expect(tokenValidity(findToken(state, hashOf('a')), later(3600))).toEqual({
      valid: false,
      reason: 'Expired',
      message: `token t1 expired at ${later(3600)}`,
    });
  });

  it('stops working once revoked', () => {
    const state = stateOf([userRegistered(), issued('t1'), userEv('TokenRevoked', { tokenId: 't1', at: later(10) })]);
    expect(tokenValidity(findToken(state, hashOf('a')), later(20))).toMatchObject({ valid: false, reason: 'Revoked', message: `token t1 was revoked at ${later(10)}` });
  });

  it('stops working when its user is disabled', () => {
    const state = stateOf([userRegistered(), issued('t1'), userEv('UserDisabled', { at: later(10) })]);
    expect(tokenValidity(findToken(state, hashOf('a')), later(20))).toMatchObject({ valid: false, reason: 'UserDisabled', message: 'user bob is disabled' });
  });

  it('is judged the same from a read-model row, where absent dates are null', () => {
    const row = { token: { tokenId: 't1', expiresAt: null, revokedAt: null }, user: { userId: 'bob', disabled: false } };
    expect(tokenValidity(row, NOW)).toEqual({ valid: true, userId: 'bob', tokenId: 't1' });
    expect(tokenValidity({ ...row, token: { ...row.token, expiresAt: later(-1) } }, NOW)).toMatchObject({ valid: false, reason: 'Expired' });
  });
});
