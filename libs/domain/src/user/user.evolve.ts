import { assertNever } from '../shared/message.js';
import type { UserEvent } from './user.events.js';
import type { UserState } from './user.state.js';

export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserRegistered') {
    const { at, ...facts } = event.data;
    return { status: 'Active', user: { ...facts, tokens: {}, createdAt: at, updatedAt: at } };
  }
  if (state.status === 'Initial') return state;
  const { at } = event.data;
  const user = { ...state.user, updatedAt: at };

  switch (event.type) {
    case 'UserDisabled':
      return { status: 'Disabled', user, disabledAt: at, ...(event.data.reason !== undefined && { reason: event.data.reason }) };
    case 'TokenIssued': {
      const { tokenId, name, tokenHash, expiresAt } = event.data;
      const token = { tokenId, name, tokenHash, createdAt: at, ...(expiresAt !== undefined && { expiresAt }) };
      return { ...state, user: { ...user, tokens: { ...user.tokens, [tokenId]: token } } };
    }
    case 'TokenRevoked': {
      const token = user.tokens[event.data.tokenId];
      if (token === undefined) return { ...state, user };
      return { ...state, user: { ...user, tokens: { ...user.tokens, [token.tokenId]: { ...token, revokedAt: at } } } };
    }
    default:
      return assertNever(event, 'User event');
  }
}
