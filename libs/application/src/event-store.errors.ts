import { hasCode } from './error-code.js';
import type { ExpectedPosition } from './event-store.port.js';

/** The stream moved on since the appender read it; reload, decide again, retry. */
export class ConcurrencyError extends Error {
  readonly code = 'EVENT_STORE.CONCURRENCY' as const;
  readonly streamId: string;
  readonly expected: ExpectedPosition;
  readonly actual: number | undefined;

  constructor(streamId: string, expected: ExpectedPosition, actual: number | undefined) {
    super(
      `Stream ${streamId} is at position ${actual ?? 'unknown'}, but the append expected ${expected === 'no_stream' ? 'no stream' : `position ${expected}`}`,
    );
    this.name = 'ConcurrencyError';
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }

  static is(error: unknown): error is ConcurrencyError {
    return hasCode(error, 'EVENT_STORE.CONCURRENCY');
  }
}

/** An event id that is already in the log: the same fact appended twice. */
export class DuplicateEventError extends Error {
  readonly code = 'EVENT_STORE.DUPLICATE_EVENT' as const;

  constructor(readonly eventId: string) {
    super(`Event ${eventId} is already in the log`);
    this.name = 'DuplicateEventError';
  }

  static is(error: unknown): error is DuplicateEventError {
    return hasCode(error, 'EVENT_STORE.DUPLICATE_EVENT');
  }
}

export const expectedAsNumber = (expected: Exclude<ExpectedPosition, 'any'>): number => (expected === 'no_stream' ? 0 : expected);
