/** An event to append. `id` is unique across the log; appending the same id twice is refused. */
export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: object;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly schemaVersion?: number;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  /** 1-based position within its stream. */
  readonly streamPosition: number;
  readonly globalPosition: number;
  /** The appending transaction, as a decimal string (Postgres xid8). */
  readonly transactionId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly schemaVersion: number;
  readonly createdAt: Date;
}

/**
 * What the appender believes the stream's position is: a number of events already in it,
 * `'no_stream'` (it must not exist yet, same as 0), or `'any'` (append at the end, whatever it is).
 */
export type ExpectedPosition = number | 'no_stream' | 'any';

export interface AppendResult {
  /** The stream's position after the append; pass it as `expected` for the next one. */
  readonly streamPosition: number;
  readonly globalPositions: readonly number[];
}

/** Where a reader of the whole log stands: after this event. */
export interface LogPosition {
  readonly transactionId: string;
  readonly globalPosition: number;
}

export interface LogBatch {
  readonly events: readonly RecordedEvent[];
  /** Position after the last event read, or the position given when nothing was read. */
  readonly position: LogPosition | undefined;
}

/** The event log port. Implementations: Postgres (`@orkestra/event-store`) and in memory. */
export interface EventStore {
  /** Appends all events in one atomic step, or none, checking the stream's expected position. */
  append(streamId: string, events: readonly NewEvent[], options: { readonly expected: ExpectedPosition }): Promise<AppendResult>;
  /** The stream's events in order, from `fromPosition` (1-based, inclusive). */
  readStream(streamId: string, options?: { readonly fromPosition?: number }): Promise<{ readonly streamPosition: number; readonly events: readonly RecordedEvent[] }>;
  /**
   * The whole log in commit-safe order after `after` (undefined: from the start), at most
   * `limit` events. Never returns an event while an older transaction may still commit before it.
   */
  readAll(after: LogPosition | undefined, limit: number): Promise<LogBatch>;
}
