import type { Caller } from '../auth/caller.js';
import type { CallerAccess } from '../auth/caller-access.js';

/** What every resolver gets for one GraphQL operation: who is asking and what they may see. */
export interface ApiContext {
  readonly caller: Caller;
  readonly access: CallerAccess;
}
