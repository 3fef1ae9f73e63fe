import type { Caller } from '../auth/caller.js';
import type { CallerAccess } from '../auth/caller-access.js';
import type { TimelineLoaders } from '../traks/timeline/timeline-loaders.js';

/** What every resolver gets for one GraphQL operation: who is asking and what they may see. */
export interface ApiContext {
  readonly caller: Caller;
  readonly access: CallerAccess;
  /** Batches the timeline fields of every Trak the operation returns into one query per field. */
  readonly timeline: TimelineLoaders;
}
