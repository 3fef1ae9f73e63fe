import { ConcurrencyError, DuplicateEventError, expectedAsNumber } from './event-store.errors.js';
import type { AppendResult, EventStore, ExpectedPosition, LogBatch, LogPosition, NewEvent, RecordedEvent } from './event-store.port.js';

/**
 * The event store in memory, with the Postgres store's semantics (atomic appends, expected
 * positions, unique event ids, log order), for the embedded mode and unit tests. Every append
 * is its own committed transaction, so no event ever commits late here.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly ids = new Set<string>();
  private transactions = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async append(streamId: string, events: readonly NewEvent[], options: { expected: ExpectedPosition }): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    if (options.expected !== 'any' && expectedAsNumber(options.expected) !== stream.length) {
      throw new ConcurrencyError(streamId, options.expected, stream.length);
    }
    const duplicate = events.find((e, i) => this.ids.has(e.id) || events.findIndex((o) => o.id === e.id) !== i);
    if (duplicate !== undefined) throw new DuplicateEventError(duplicate.id);

    const transactionId = String(++this.transactions);
    const createdAt = this.clock();
    const recorded = events.map((e, i): RecordedEvent => ({
      id: e.id,
      streamId,
      streamPosition: stream.length + i + 1,
      globalPosition: this.log.length + i + 1,
      transactionId,
      type: e.type,
      data: structuredClone(e.data) as Record<string, unknown>,
      metadata: structuredClone(e.metadata ?? {}),
      schemaVersion: e.schemaVersion ?? 1,
      createdAt,
    }));
    this.log.push(...recorded);
    this.streams.set(streamId, [...stream, ...recorded]);
    for (const e of events) this.ids.add(e.id);
    return { streamPosition: stream.length + recorded.length, globalPositions: recorded.map((e) => e.globalPosition) };
  }

  async readStream(streamId: string, options: { fromPosition?: number } = {}) {
    const stream = this.streams.get(streamId) ?? [];
    const from = options.fromPosition ?? 1;
    return { streamPosition: stream.length, events: stream.filter((e) => e.streamPosition >= from) };
  }

  async readAll(after: LogPosition | undefined, limit: number): Promise<LogBatch> {
    const start = after === undefined ? 0 : this.log.findIndex((e) => e.globalPosition > after.globalPosition);
    const events = start === -1 ? [] : this.log.slice(start, start + limit);
    const last = events[events.length - 1];
    return { events, position: last === undefined ? after : { transactionId: last.transactionId, globalPosition: last.globalPosition } };
  }
}
