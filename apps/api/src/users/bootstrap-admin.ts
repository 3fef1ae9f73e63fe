import { DomainError } from '@orkestra/domain';
import type { ApiStores } from '../shell/api-stores.js';
import type { UserTokens } from './user-tokens.service.js';

export const BOOTSTRAP_ADMIN = 'admin';
const BOOTSTRAP_TOKEN = 'bootstrap';

/**
 * On a fresh installation: registers the instance admin `admin` and issues its first token,
 * returned once for the operator to store. Afterwards (or when another instance got there first)
 * it does nothing and returns undefined: the token is never shown again.
 */
export async function bootstrapAdmin(stores: ApiStores, tokens: UserTokens): Promise<string | undefined> {
  const { state } = await stores.users.read(BOOTSTRAP_ADMIN);
  try {
    if (state.status === 'Initial') {
      await stores.users.handle(
        BOOTSTRAP_ADMIN,
        { type: 'RegisterUser', data: { userId: BOOTSTRAP_ADMIN, name: 'Administrator', kind: 'human', instanceAdmin: true } },
        { actor: 'api' },
      );
    } else if (state.user.tokens[BOOTSTRAP_TOKEN] !== undefined) {
      return undefined;
    }
    return (await tokens.issue('api', BOOTSTRAP_ADMIN, 'bootstrap', undefined, BOOTSTRAP_TOKEN)).token;
  } catch (error) {
    // Another api instance starting at the same moment registered the admin or issued the token first.
    if (DomainError.is(error)) return undefined;
    throw error;
  }
}
