import { DomainError } from '../shared/domain-error.js';
import type { Decider } from '../shared/message.js';
import { assertNever } from '../shared/message.js';
import type { DisableUser, IssueToken, RegisterUser, RevokeToken, UserCommand } from './user.commands.js';
import type { UserEvent } from './user.events.js';
import { evolveUser } from './user.evolve.js';
import {
  illegalUserTransition,
  invalidUser,
  requireActiveUser,
  requireEmail,
  requireExpiry,
  requireId,
  requireKind,
  requireText,
  requireTokenHash,
} from './user.rules.js';
import type { KnownUserState, UserState } from './user.state.js';
import { initialUserState } from './user.state.js';

/**
 * The User decider: registration, disabling, and API tokens. Pure: the caller hashes token
 * secrets, and time comes in on the command. Who may issue which command is checked at the
 * edge (`instancePermits`, `mayManageTokensOf`).
 */
export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'RegisterUser') return registerUser(command, state);
  if (state.status === 'Initial') {
    throw new DomainError('USER.NOT_FOUND', `Cannot ${command.type}: the user does not exist`, { command: command.type });
  }
  switch (command.type) {
    case 'DisableUser':
      return disableUser(command, state);
    case 'IssueToken':
      return issueToken(command, state);
    case 'RevokeToken':
      return revokeToken(command, state);
    default:
      return assertNever(command, 'User command');
  }
}

function registerUser(command: RegisterUser, state: UserState): UserEvent[] {
  const d = command.data;
  if (state.status !== 'Initial') throw new DomainError('USER.ALREADY_EXISTS', `User ${d.userId} already exists`, { userId: d.userId });
  const userId = requireId(d.userId, 'userId');
  const name = requireText(d.name, 'name');
  const email = d.email === undefined ? undefined : requireEmail(d.email);
  return [
    {
      type: 'UserRegistered',
      data: {
        userId,
        name,
        ...(email !== undefined && { email }),
        kind: requireKind(d.kind),
        instanceAdmin: d.instanceAdmin ?? false,
        at: command.metadata.now,
      },
    },
  ];
}

function disableUser(command: DisableUser, state: KnownUserState): UserEvent[] {
  if (state.status === 'Disabled') {
    throw illegalUserTransition(`User ${state.user.userId} is already disabled (since ${state.disabledAt})`, { userId: state.user.userId });
  }
  const reason = command.data.reason?.trim();
  return [{ type: 'UserDisabled', data: { at: command.metadata.now, ...(reason !== undefined && reason !== '' && { reason }) } }];
}

function issueToken(command: IssueToken, state: KnownUserState): UserEvent[] {
  const { user } = requireActiveUser(state, 'issue a token to');
  const d = command.data;
  const now = command.metadata.now;
  const tokenId = requireId(d.tokenId, 'tokenId');
  if (user.tokens[tokenId] !== undefined) {
    throw invalidUser('tokenId', `User ${user.userId} already has a token ${tokenId}; token ids are never reused`, { tokenId });
  }
  const name = requireText(d.name, 'name');
  const tokenHash = requireTokenHash(d.tokenHash);
  if (Object.values(user.tokens).some((t) => t.tokenHash === tokenHash)) {
    throw invalidUser('tokenHash', `User ${user.userId} already has a token with this hash; make a new secret for each token`);
  }
  const expiresAt = d.expiresAt === undefined ? undefined : requireExpiry(d.expiresAt, now);
  return [{ type: 'TokenIssued', data: { tokenId, name, tokenHash, ...(expiresAt !== undefined && { expiresAt }), at: now } }];
}

function revokeToken(command: RevokeToken, state: KnownUserState): UserEvent[] {
  const { user } = state;
  const { tokenId } = command.data;
  const token = user.tokens[tokenId];
  if (token === undefined) {
    const known = Object.keys(user.tokens);
    const hint = known.length === 0 ? 'it has none' : `its tokens are ${known.join(', ')}`;
    throw invalidUser('tokenId', `User ${user.userId} has no token ${tokenId} (${hint})`, { tokenId });
  }
  if (token.revokedAt !== undefined) {
    throw illegalUserTransition(`Token ${tokenId} of user ${user.userId} was already revoked at ${token.revokedAt}`, { tokenId });
  }
  return [{ type: 'TokenRevoked', data: { tokenId, at: command.metadata.now } }];
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
};
