import { ORKESTRA_EVENT_SCHEMAS, UpcastingEventStore } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import type { Event } from '@orkestra/domain';
import { PostgresEventStore } from '@orkestra/event-store';
import type { Queryable } from '@orkestra/event-store';

/** A stream's state after the last event of a batch that touched it. */
export interface FoldedStream<State> {
  readonly state: State;
  /** Stream position of the last event folded into `state`. */
  readonly position: number;
  readonly last: RecordedEvent;
}

export interface StreamFolderOptions<State> {
  /** The aggregate's own fold, so a read model never disagrees with what its decider sees. */
  readonly evolve: (state: State, event: never) => State;
  readonly initialState: () => State;
  /** Which streams of the log this folder follows. */
  readonly owns: (streamId: string) => boolean;
  readonly schemas?: EventSchemas;
  /** States kept in memory between batches. Default 10,000. */
  readonly cacheSize?: number;
}

/**
 * Folds the streams a batch of the log touches onto their states, for projections that write
 * rows from an aggregate's state. States of recently active streams stay in memory; a stream
 * not in memory (or moved on by another process) is folded from the log first.
 */
export class StreamFolder<State> {
  private readonly cache = new Map<string, { state: State; position: number }>();
  private readonly cacheSize: number;

  constructor(private readonly options: StreamFolderOptions<State>) {
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  /**
   * The states after this batch, by stream id, and a callback that keeps them once the batch has
   * committed. `visit` sees each event of the streams it follows with the state just before it.
   */
  async fold(
    tx: Queryable,
    events: readonly RecordedEvent[],
    visit?: (before: State, event: RecordedEvent) => void,
  ): Promise<{ streams: Map<string, FoldedStream<State>>; commit: () => void }> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (!this.options.owns(event.streamId)) continue;
      const list = byStream.get(event.streamId);
      if (list === undefined) byStream.set(event.streamId, [event]);
      else list.push(event);
    }

    const streams = new Map<string, FoldedStream<State>>();
    for (const [streamId, streamEvents] of byStream) {
      let { state, position } = await this.stateBefore(tx, streamId, streamEvents[0]!.streamPosition);
      for (const event of streamEvents) {
        visit?.(state, event);
        state = this.apply(state, event);
        position = event.streamPosition;
      }
      streams.set(streamId, { state, position, last: streamEvents[streamEvents.length - 1]! });
    }
    return { streams, commit: () => this.remember(streams) };
  }

  reset(): void {
    this.cache.clear();
  }

  private apply(state: State, event: Pick<RecordedEvent, 'type' | 'data'>): State {
    return this.options.evolve(state, { type: event.type, data: event.data } as Event as never);
  }

  private async stateBefore(tx: Queryable, streamId: string, position: number): Promise<{ state: State; position: number }> {
    const cached = this.cache.get(streamId);
    if (cached !== undefined && cached.position === position - 1) return cached;
    if (position === 1) return { state: this.options.initialState(), position: 0 };
    const { events } = await UpcastingEventStore.over(new PostgresEventStore(tx), this.options.schemas ?? ORKESTRA_EVENT_SCHEMAS).readStream(streamId);
    const before = events.filter((e) => e.streamPosition < position);
    return { state: before.reduce((s, e) => this.apply(s, e), this.options.initialState()), position: position - 1 };
  }

  private remember(streams: ReadonlyMap<string, FoldedStream<State>>): void {
    for (const [streamId, { state, position }] of streams) {
      this.cache.delete(streamId);
      this.cache.set(streamId, { state, position });
    }
    for (const streamId of this.cache.keys()) {
      if (this.cache.size <= this.cacheSize) break;
      this.cache.delete(streamId);
    }
  }
}

/** When the event happened: its `at`, else when it was stored. */
export const atOf = (event: RecordedEvent): string => (typeof event.data['at'] === 'string' ? event.data['at'] : event.createdAt.toISOString());
