import type { Event } from '../shared/message.js';
import type { UserKind } from './user.values.js';

/** Every event records when it happened (`at`, ISO-8601, taken from the command). */
interface At {
  readonly at: string;
}

export type UserRegistered = Event<
  'UserRegistered',
  At & {
    readonly userId: string;
    readonly name: string;
    readonly email?: string;
    readonly kind: UserKind;
    readonly instanceAdmin: boolean;
  }
>;

/** The user's tokens stop working; the tokens themselves stay on record. */
export type UserDisabled = Event<'UserDisabled', At & { readonly reason?: string }>;

/** Only the hash of the secret: the plaintext never enters the domain or the log. */
export type TokenIssued = Event<
  'TokenIssued',
  At & { readonly tokenId: string; readonly name: string; readonly tokenHash: string; readonly expiresAt?: string }
>;

export type TokenRevoked = Event<'TokenRevoked', At & { readonly tokenId: string }>;

export type UserEvent = UserRegistered | UserDisabled | TokenIssued | TokenRevoked;

export type UserEventType = UserEvent['type'];
