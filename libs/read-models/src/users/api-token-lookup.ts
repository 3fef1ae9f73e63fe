import type { TokenLookup, UserKind } from '@orkestra/domain';
import type { Queryable } from '@orkestra/event-store';

/** A presented token as the read model knows it, with its owner; `tokenValidity` judges it. */
export interface ApiTokenHolder extends TokenLookup {
  readonly token: TokenLookup['token'] & { readonly name: string };
  readonly user: TokenLookup['user'] & { readonly name: string; readonly kind: UserKind; readonly instanceAdmin: boolean };
}

const LOOKUP = `
SELECT t.token_id, t.name AS token_name, t.expires_at, t.revoked_at, u.user_id, u.name AS user_name, u.kind, u.instance_admin, u.status
FROM read.api_tokens t JOIN read.users u ON u.user_id = t.user_id
WHERE t.token_hash = $1`;

interface LookupRow {
  token_id: string;
  token_name: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  user_id: string;
  user_name: string;
  kind: UserKind;
  instance_admin: boolean;
  status: string;
}

/**
 * The token whose secret hashes to `tokenHash` (SHA-256, hex), with its user, in one query;
 * undefined when no token has that hash. Whether it is still good is `tokenValidity`'s call.
 */
export async function lookupApiToken(db: Queryable, tokenHash: string): Promise<ApiTokenHolder | undefined> {
  const { rows } = await db.query<LookupRow>(LOOKUP, [tokenHash]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    token: { tokenId: row.token_id, name: row.token_name, expiresAt: row.expires_at?.toISOString() ?? null, revokedAt: row.revoked_at?.toISOString() ?? null },
    user: { userId: row.user_id, name: row.user_name, kind: row.kind, instanceAdmin: row.instance_admin, disabled: row.status === 'Disabled' },
  };
}
