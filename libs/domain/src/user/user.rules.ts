import { DomainError } from '../shared/domain-error.js';
import type { KnownUserState } from './user.state.js';
import type { UserKind } from './user.values.js';
import { USER_KINDS } from './user.values.js';

/** A command's data breaks a rule; `details.field` names the field. */
export const invalidUser = (field: string, message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('USER.VALIDATION', message, { ...details, field });

export const illegalUserTransition = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('USER.ILLEGAL_TRANSITION', message, details);

/** Ids appear in stream ids, subjects and CLI output: no spaces, slashes or colons. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function requireId(value: string, field: 'userId' | 'tokenId'): string {
  if (!ID.test(value)) {
    throw invalidUser(field, `${field} "${value}" must be 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`);
  }
  return value;
}

export function requireText(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalidUser(field, `${field} must not be blank`);
  return trimmed;
}

export function requireKind(kind: string): UserKind {
  if (!(USER_KINDS as readonly string[]).includes(kind)) throw invalidUser('kind', `kind "${kind}" must be one of ${USER_KINDS.join(', ')}`);
  return kind as UserKind;
}

export function requireEmail(email: string): string {
  const trimmed = email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(trimmed)) throw invalidUser('email', `email "${email}" is not an email address`);
  return trimmed;
}

/**
 * A SHA-256 digest in hex. Asking for exactly this shape keeps a plaintext secret passed by
 * mistake out of the log: it is refused instead of recorded.
 */
export function requireTokenHash(tokenHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(tokenHash)) {
    throw invalidUser('tokenHash', 'tokenHash must be the SHA-256 of the token secret as 64 lowercase hex digits (never the secret itself)');
  }
  return tokenHash;
}

/** `expiresAt` as ISO-8601 UTC, later than `now`. */
export function requireExpiry(expiresAt: string, now: string): string {
  const expires = Date.parse(expiresAt);
  if (Number.isNaN(expires)) throw invalidUser('expiresAt', `expiresAt "${expiresAt}" is not a date and time (ISO-8601)`);
  if (expires <= Date.parse(now)) throw invalidUser('expiresAt', `expiresAt ${expiresAt} must be later than now (${now})`);
  return new Date(expires).toISOString();
}

export function requireActiveUser(state: KnownUserState, action: string): Extract<KnownUserState, { status: 'Active' }> {
  if (state.status === 'Active') return state;
  throw illegalUserTransition(`Cannot ${action} user ${state.user.userId}: the user is disabled`, { userId: state.user.userId, status: state.status });
}
