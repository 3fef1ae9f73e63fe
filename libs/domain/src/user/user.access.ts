import type { UserState } from './user.state.js';
import type { TokenRecord, UserRecord } from './user.values.js';

/** A presented token as found by its hash, with what matters about its owner (a read-model row fits). */
export interface TokenLookup {
  readonly token: Pick<TokenRecord, 'tokenId'> & { readonly expiresAt?: string | null; readonly revokedAt?: string | null };
  readonly user: Pick<UserRecord, 'userId'> & { readonly disabled: boolean };
}

export type TokenRejection = 'Unknown' | 'Revoked' | 'Expired' | 'UserDisabled';

export type TokenValidity =
  | { readonly valid: true; readonly userId: string; readonly tokenId: string }
  | { readonly valid: false; readonly reason: TokenRejection; readonly message: string };

/**
 * Whether a presented token lets its holder in at `now` (ISO-8601): it must be known, not
 * revoked, not expired (it stops working at `expiresAt`), and its user not disabled.
 */
export function tokenValidity(found: TokenLookup | undefined, now: string): TokenValidity {
  if (found === undefined) return refused('Unknown', 'the token is not known');
  const { token, user } = found;
  if (user.disabled) return refused('UserDisabled', `user ${user.userId} is disabled`);
  if (token.revokedAt !== undefined && token.revokedAt !== null) return refused('Revoked', `token ${token.tokenId} was revoked at ${token.revokedAt}`);
  if (token.expiresAt !== undefined && token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.parse(now)) {
    return refused('Expired', `token ${token.tokenId} expired at ${token.expiresAt}`);
  }
  return { valid: true, userId: user.userId, tokenId: token.tokenId };
}

/** The token of a folded user whose hash is `tokenHash`, in the shape `tokenValidity` takes. */
export function findToken(state: UserState, tokenHash: string): TokenLookup | undefined {
  if (state.status === 'Initial') return undefined;
  const token = Object.values(state.user.tokens).find((t) => t.tokenHash === tokenHash);
  return token === undefined ? undefined : { token, user: { userId: state.user.userId, disabled: state.status === 'Disabled' } };
}

/** What only an instance admin may do. */
export type InstanceAction = 'registerProject' | 'registerUser' | 'disableUser' | 'rebuildReadModels';

export const instancePermits = (actor: Pick<UserRecord, 'instanceAdmin'>, _action: InstanceAction): boolean => actor.instanceAdmin;

/** Users manage their own tokens; an instance admin manages everyone's (e.g. a service's). */
export const mayManageTokensOf = (actor: Pick<UserRecord, 'userId' | 'instanceAdmin'>, ownerId: string): boolean =>
  actor.instanceAdmin || actor.userId === ownerId;

const refused = (reason: TokenRejection, message: string): TokenValidity => ({ valid: false, reason, message });
