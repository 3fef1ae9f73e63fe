import type { Command } from '../shared/message.js';
import type { UserKind } from './user.values.js';

export type RegisterUser = Command<
  'RegisterUser',
  {
    readonly userId: string;
    readonly name: string;
    readonly email?: string;
    readonly kind: UserKind;
    /** Default false. */
    readonly instanceAdmin?: boolean;
  }
>;

export type DisableUser = Command<'DisableUser', { readonly reason?: string }>;

/**
 * The caller makes a random secret, hands it to the user once, and passes only its SHA-256
 * here (64 lowercase hex digits). `expiresAt` (ISO-8601) must be later than the command's `now`.
 */
export type IssueToken = Command<
  'IssueToken',
  { readonly tokenId: string; readonly name: string; readonly tokenHash: string; readonly expiresAt?: string }
>;

export type RevokeToken = Command<'RevokeToken', { readonly tokenId: string }>;

export type UserCommand = RegisterUser | DisableUser | IssueToken | RevokeToken;

export type UserCommandType = UserCommand['type'];
