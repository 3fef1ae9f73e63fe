import { trakDecider } from '@orkestra/domain';
import type { PendingCommand, TrakState } from '@orkestra/domain';
import { aggregateCommands } from './aggregate-commands.js';
import type { AggregateCommands } from './aggregate-commands.js';
import type { EventStore } from './event-store.port.js';
import { ORKESTRA_EVENT_SCHEMAS } from './orkestra-event-schemas.js';
import { trakStreamId, trakStreamMetadata } from './streams.js';
import type { EventSchemas } from './upcasting.js';

/** Commands to Traks by Trak id: what the api, the scheduler and specs append through. */
export type TrakCommands = AggregateCommands<TrakState, PendingCommand>;

export interface TrakCommandsDeps {
  readonly store: EventStore;
  readonly schemas?: EventSchemas;
  readonly newId?: () => string;
  readonly clock?: () => Date;
  /** See `AggregateCommandsDeps.correlation`. */
  readonly correlation?: () => string | undefined;
}

/** The Trak decider on `trak-<id>` streams, each event carrying its project id. */
export const trakCommands = (deps: TrakCommandsDeps): TrakCommands =>
  aggregateCommands({
    store: deps.store,
    decider: trakDecider,
    streamId: trakStreamId,
    streamMetadata: trakStreamMetadata,
    schemas: deps.schemas ?? ORKESTRA_EVENT_SCHEMAS,
    ...(deps.newId !== undefined && { newId: deps.newId }),
    ...(deps.clock !== undefined && { clock: deps.clock }),
    ...(deps.correlation !== undefined && { correlation: deps.correlation }),
  });
