import { userIdOf } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import { userDecider } from '@orkestra/domain';
import type { TokenRecord, UserState } from '@orkestra/domain';
import type { Projection, Queryable } from '@orkestra/event-store';
import { StreamFolder } from '../shared/stream-folder.js';

export interface UsersProjectionOptions {
  readonly schemas?: EventSchemas;
  readonly cacheSize?: number;
}

/**
 * `read.users` and `read.api_tokens`: each user as its decider sees it, and every token it was
 * issued (revoked ones stay, with `revoked_at`), keyed for the auth guard by the token's hash.
 */
export class UsersProjection implements Projection {
  readonly name = 'read.users';
  readonly tables = ['read.users', 'read.api_tokens'];
  private readonly folder: StreamFolder<UserState>;

  constructor(options: UsersProjectionOptions = {}) {
    this.folder = new StreamFolder<UserState>({ ...userDecider, owns: (streamId) => userIdOf(streamId) !== undefined, ...options });
  }

  async apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<() => void> {
    const { streams, commit } = await this.folder.fold(tx, events);
    const users: Exclude<UserState, { status: 'Initial' }>[] = [];
    const tokens: (TokenRecord & { readonly userId: string })[] = [];
    const positions: number[] = [];
    for (const { state, position } of streams.values()) {
      if (state.status === 'Initial') continue;
      users.push(state);
      positions.push(position);
      for (const token of Object.values(state.user.tokens)) tokens.push({ ...token, userId: state.user.userId });
    }
    if (users.length === 0) return commit;
    await tx.query(UPSERT_USERS, [
      users.map((s) => s.user.userId),
      users.map((s) => s.user.name),
      users.map((s) => s.user.email ?? null),
      users.map((s) => s.user.kind),
      users.map((s) => s.user.instanceAdmin),
      users.map((s) => s.status),
      users.map((s) => (s.status === 'Disabled' ? s.disabledAt : null)),
      users.map((s) => s.user.createdAt),
      users.map((s) => s.user.updatedAt),
      positions,
    ]);
    await tx.query(UPSERT_TOKENS, [
      tokens.map((t) => t.tokenId),
      tokens.map((t) => t.userId),
      tokens.map((t) => t.name),
      tokens.map((t) => t.tokenHash),
      tokens.map((t) => t.expiresAt ?? null),
      tokens.map((t) => t.revokedAt ?? null),
      tokens.map((t) => t.createdAt),
    ]);
    return commit;
  }

  reset(): void {
    this.folder.reset();
  }
}

const UPSERT_USERS = `
INSERT INTO read.users (user_id, name, email, kind, instance_admin, status, disabled_at, created_at, updated_at, stream_position)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::timestamptz[],
  $8::timestamptz[], $9::timestamptz[], $10::bigint[])
ON CONFLICT (user_id) DO UPDATE SET
  name = EXCLUDED.name, email = EXCLUDED.email, kind = EXCLUDED.kind, instance_admin = EXCLUDED.instance_admin,
  status = EXCLUDED.status, disabled_at = EXCLUDED.disabled_at, created_at = EXCLUDED.created_at,
  updated_at = EXCLUDED.updated_at, stream_position = EXCLUDED.stream_position`;

// Tokens are never deleted from a user's record, so an upsert keeps the rows equal to it.
const UPSERT_TOKENS = `
INSERT INTO read.api_tokens (token_id, user_id, name, token_hash, expires_at, revoked_at, created_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
ON CONFLICT (user_id, token_id) DO UPDATE SET
  name = EXCLUDED.name, token_hash = EXCLUDED.token_hash, expires_at = EXCLUDED.expires_at,
  revoked_at = EXCLUDED.revoked_at, created_at = EXCLUDED.created_at`;
