import type { KnownUserState } from '@orkestra/domain';
import type { User } from './user.model.js';

export function userView(state: KnownUserState): User {
  const { user } = state;
  return {
    id: user.userId,
    name: user.name,
    ...(user.email !== undefined && { email: user.email }),
    kind: user.kind,
    instanceAdmin: user.instanceAdmin,
    disabled: state.status === 'Disabled',
    tokens: Object.values(user.tokens).map((t) => ({
      id: t.tokenId,
      name: t.name,
      createdAt: t.createdAt,
      ...(t.expiresAt !== undefined && { expiresAt: t.expiresAt }),
      ...(t.revokedAt !== undefined && { revokedAt: t.revokedAt }),
    })),
  };
}
