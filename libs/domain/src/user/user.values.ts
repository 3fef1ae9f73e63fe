/** A person, or a service that acts on its own (the gateway, a runner, a bot). */
export type UserKind = 'human' | 'service';

export const USER_KINDS: readonly UserKind[] = ['human', 'service'];

/** An API token as the log knows it: its hash only; the secret is shown once to its owner and never stored. */
export interface TokenRecord {
  readonly tokenId: string;
  readonly name: string;
  /** SHA-256 of the secret, as 64 lowercase hex digits. */
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
}

export interface UserRecord {
  readonly userId: string;
  readonly name: string;
  readonly email?: string;
  readonly kind: UserKind;
  /** May register projects and users, and do everything on every project. */
  readonly instanceAdmin: boolean;
  /** tokenId → token, revoked ones included. */
  readonly tokens: Readonly<Record<string, TokenRecord>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}
