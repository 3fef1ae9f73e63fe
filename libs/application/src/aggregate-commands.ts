import type { Command, Decider, Event } from '@orkestra/domain';
import { commandHandler } from './command-handler.js';
import type { HandleOptions, HandleResult } from './command-handler.js';
import type { EventStore, RecordedEvent } from './event-store.port.js';
import { ORKESTRA_EVENT_SCHEMAS } from './orkestra-event-schemas.js';
import { UpcastingEventStore } from './upcasting.js';
import type { EventSchemas } from './upcasting.js';

/** A command of the union `Cmd` as a caller writes it: the service stamps its time and actor. */
export type WithoutMetadata<Cmd extends Command> = Cmd extends Command ? Omit<Cmd, 'metadata'> : never;

/** Who sends a command, and how it relates to others; written into the metadata of its events. */
export interface CommandOptions<State = unknown> {
  /** A user id, or a service name such as `scheduler`. */
  readonly actor: string;
  /** A retried command with the same key on the same aggregate appends nothing the second time. */
  readonly idempotencyKey?: string;
  /** The conversation this command belongs to; the command's own id when it starts one. */
  readonly correlationId?: string;
  /** Id of this command (the events' causation id); a fresh id when omitted. */
  readonly commandId?: string;
  /** When the command happens (ISO-8601); the service's clock when omitted. */
  readonly now?: string;
  /** The aggregate's state and position as the caller already knows them (see `HandleOptions.known`). */
  readonly known?: HandleOptions<State>['known'];
}

/** An aggregate as its stream holds it now, every event upcast to today's shape. */
export interface AggregateSnapshot<State> {
  readonly state: State;
  /** 0 when the stream does not exist. */
  readonly streamPosition: number;
  readonly events: readonly RecordedEvent[];
}

/** The one way into an aggregate's stream: commands in, state out. */
export interface AggregateCommands<State, Pending> {
  /** Decides `command` on aggregate `id` and appends what it decided (see `commandHandler`). */
  handle(id: string, command: Pending, options: CommandOptions<State>): Promise<HandleResult<State>>;
  read(id: string): Promise<AggregateSnapshot<State>>;
  /** The stream aggregate `id` lives in. */
  streamId(id: string): string;
}

export interface AggregateCommandsDeps<State, Cmd extends Command, Evt extends Event> {
  readonly store: EventStore;
  readonly decider: Decider<State, Cmd, Evt>;
  /** The stream of aggregate `id`, e.g. `trak-<id>`. */
  readonly streamId: (id: string) => string;
  /** Metadata every event of the stream carries, read from the state after the command. */
  readonly streamMetadata?: (state: State) => Readonly<Record<string, unknown>>;
  /** Upcasters for reads, versions for appends. Default: the ones Orkestra ships. */
  readonly schemas?: EventSchemas;
  /** Ids of commands and events. Default: random UUIDs. */
  readonly newId?: () => string;
  /** The time of commands sent without `now`. Default: the system clock. */
  readonly clock?: () => Date;
  /**
   * The conversation a command joins when its sender names none: in a service, the correlation id
   * of the request it is serving. Without either, the command starts one of its own.
   */
  readonly correlation?: () => string | undefined;
  /** Attempts when another writer keeps moving the stream. Default 5. */
  readonly maxAttempts?: number;
}

/**
 * Command handling for one kind of aggregate, wired once: its decider, its stream naming,
 * upcasting on every read, current schema versions on every append, and each command stamped
 * with its time and actor. `commandHandler` does the work underneath.
 */
export function aggregateCommands<State, Cmd extends Command, Evt extends Event>(
  deps: AggregateCommandsDeps<State, Cmd, Evt>,
): AggregateCommands<State, WithoutMetadata<Cmd>> {
  const { decider, streamId } = deps;
  const store = UpcastingEventStore.over(deps.store, deps.schemas ?? ORKESTRA_EVENT_SCHEMAS);
  const clock = deps.clock ?? (() => new Date());
  const handle = commandHandler({
    store,
    decider,
    newId: deps.newId ?? (() => globalThis.crypto.randomUUID()),
    ...(deps.streamMetadata !== undefined && { streamMetadata: deps.streamMetadata }),
    ...(deps.maxAttempts !== undefined && { maxAttempts: deps.maxAttempts }),
  });

  return {
    streamId,
    handle: (id, command, options) => {
      const stamped = { ...command, metadata: { now: options.now ?? clock().toISOString(), actor: options.actor } } as unknown as Cmd;
      const correlationId = options.correlationId ?? deps.correlation?.();
      return handle(streamId(id), stamped, {
        ...(options.commandId !== undefined && { commandId: options.commandId }),
        ...(correlationId !== undefined && { correlationId }),
        ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey }),
        ...(options.known !== undefined && { known: options.known }),
      });
    },
    read: async (id) => {
      const { streamPosition, events } = await store.readStream(streamId(id));
      const state = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as unknown as Evt), decider.initialState());
      return { state, streamPosition, events };
    },
  };
}
