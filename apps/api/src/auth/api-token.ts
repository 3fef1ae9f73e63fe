import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'ork_';

/**
 * A new API token: `ork_` and 32 random bytes. Only its SHA-256 is ever stored (in the log and
 * the read model); the token itself is shown once to whoever asked for it.
 */
export function newApiToken(): { readonly token: string; readonly hash: string } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashApiToken(token) };
}

/** The hex SHA-256 a token is looked up by. A 256-bit random secret needs no salt or slow hash. */
export const hashApiToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The token in an `Authorization: Bearer …` header (or a bare token, as WebSocket clients send it). */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^\s*(?:Bearer\s+)?(\S+)\s*$/i.exec(header);
  return match?.[1];
}
