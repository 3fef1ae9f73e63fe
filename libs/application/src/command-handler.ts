import type { Command, Decider, Event } from '@orkestra/domain';
import { ConcurrencyError } from './event-store.errors.js';
import type { EventStore, NewEvent, RecordedEvent } from './event-store.port.js';

/** Where a command comes from, written into the metadata of every event it causes. */
export interface HandleOptions<State = unknown> {
  /** Id of this command; the events' causation id. A fresh id when omitted. */
  readonly commandId?: string;
  /** The conversation this command belongs to; the command's own id when it starts one. */
  readonly correlationId?: string;
  /** A retried command with the same key on the same stream appends nothing the second time. */
  readonly idempotencyKey?: string;
  /**
   * The stream's state and position as the caller already knows them (e.g. right after its own
   * append): the first attempt decides on them without reading the stream. The append still
   * checks the position, so a stream that moved meanwhile is read and decided again. The
   * idempotency key is looked for in `events` when given; without them, only for commands whose
   * key no event before that position can carry.
   */
  readonly known?: { readonly state: State; readonly streamPosition: number; readonly events?: readonly AppendedEvent[] };
}

/** An event as the handler appended it. */
export type AppendedEvent = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'metadata' | 'streamPosition' | 'globalPosition'>;

export interface HandleResult<State> {
  readonly streamId: string;
  /** The events this command appended, or those its first attempt appended when it was a repeat. */
  readonly events: readonly AppendedEvent[];
  /** The stream's state after the command. */
  readonly state: State;
  /** The state the command was decided on: `events` folded onto it give `state` (for a repeat, the current state). */
  readonly priorState: State;
  readonly streamPosition: number;
  /** True when the idempotency key had been seen: nothing was appended this time. */
  readonly repeated: boolean;
}

export interface CommandHandlerDeps<State, Cmd extends Command, Evt extends Event> {
  readonly store: EventStore;
  readonly decider: Decider<State, Cmd, Evt>;
  /** Ids for new events and commands. */
  readonly newId: () => string;
  /** Metadata every event of the stream carries, read from the state after the command (e.g. its project id). */
  readonly streamMetadata?: (state: State) => Readonly<Record<string, unknown>>;
  /** Attempts when another writer keeps moving the stream. Default 5. */
  readonly maxAttempts?: number;
}

export type CommandHandler<State, Cmd extends Command> = (streamId: string, command: Cmd, options?: HandleOptions<State>) => Promise<HandleResult<State>>;

/**
 * Load the stream, fold it, decide, append at the position it was read at. When another writer
 * got there first the store refuses the append; the handler reads again and decides again on
 * the newer state, so both commands land in order or the second is refused by the domain.
 * Domain errors (`DomainError`, codes `TRAK.*`, `PROJECT.*`, `USER.*`) pass through untouched; nothing is appended for them.
 */
export function commandHandler<State, Cmd extends Command, Evt extends Event>(
  deps: CommandHandlerDeps<State, Cmd, Evt>,
): CommandHandler<State, Cmd> {
  const maxAttempts = deps.maxAttempts ?? 5;

  const read = async (streamId: string) => {
    const { streamPosition, events } = await deps.store.readStream(streamId);
    const state = events.reduce((s, e) => deps.decider.evolve(s, { type: e.type, data: e.data } as unknown as Evt), deps.decider.initialState());
    return { streamPosition, state, history: events };
  };

  return async (streamId, command, options = {}) => {
    const commandId = options.commandId ?? deps.newId();
    for (let attempt = 1; ; attempt++) {
      const known = attempt === 1 ? options.known : undefined;
      const { streamPosition, state, history } = known === undefined ? await read(streamId) : { ...known, history: known.events ?? [] };

      const earlier = options.idempotencyKey === undefined ? [] : history.filter((e) => e.metadata['idempotencyKey'] === options.idempotencyKey);
      if (earlier.length > 0) return { streamId, events: earlier, state, priorState: state, streamPosition, repeated: true };

      const decided = deps.decider.decide(command, state);
      const next = decided.reduce(deps.decider.evolve, state);
      const metadata = {
        ...deps.streamMetadata?.(next),
        commandId,
        commandType: command.type,
        causationId: commandId,
        correlationId: options.correlationId ?? commandId,
        ...(command.metadata.actor !== undefined && { actor: command.metadata.actor }),
        ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey }),
      };
      if (decided.length === 0) return { streamId, events: [], state, priorState: state, streamPosition, repeated: false };
      const toAppend = decided.map((e): NewEvent => ({ id: deps.newId(), type: e.type, data: e.data, metadata }));
      try {
        const appended = await deps.store.append(streamId, toAppend, { expected: streamPosition });
        const events = toAppend.map((e, i): AppendedEvent => ({
          id: e.id,
          type: e.type,
          data: e.data as Record<string, unknown>,
          metadata,
          streamPosition: streamPosition + i + 1,
          globalPosition: appended.globalPositions[i]!,
        }));
        return { streamId, events, state: next, priorState: state, streamPosition: appended.streamPosition, repeated: false };
      } catch (error) {
        if (!ConcurrencyError.is(error) || attempt >= maxAttempts) throw error;
      }
    }
  };
}
