import { CursorExpiredError } from './bus.errors.js';

/** What a stream holds when a following starts. */
export interface StreamBounds {
  /** The oldest sequence the stream keeps; the next one to come when it keeps none (0 or 1 on a new stream). */
  readonly firstSeq: number;
  /** The last sequence stored; 0 before the first. */
  readonly lastSeq: number;
}

/**
 * The sequence a following starts after, for every Bus implementation alike: `afterSeq` when the
 * stream still keeps what follows it, the last sequence when `afterSeq` is omitted or beyond it
 * (only new messages), and CursorExpiredError when the stream has dropped messages after it.
 */
export function followStart(stream: string, afterSeq: number | undefined, bounds: StreamBounds): number {
  if (afterSeq === undefined) return bounds.lastSeq;
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new RangeError(`afterSeq must be a sequence (an integer from 0), not ${afterSeq}`);
  if (afterSeq >= bounds.lastSeq) return bounds.lastSeq;
  if (afterSeq > 0 && afterSeq + 1 < bounds.firstSeq) throw new CursorExpiredError(stream, afterSeq, bounds.firstSeq);
  return afterSeq;
}
