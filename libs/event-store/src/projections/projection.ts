import type { RecordedEvent } from '@orkestra/application';
import type { Queryable } from '../postgres-event-store.js';

/**
 * A read model fed from the log. The runner calls `apply` inside the transaction that also
 * moves the projection's checkpoint, so each event reaches the read model exactly once.
 */
export interface Projection {
  /** Checkpoint name; by convention the read model's table, e.g. `read.traks`. */
  readonly name: string;
  /** The read-model tables this projection owns; a rebuild empties them. */
  readonly tables: readonly string[];
  /**
   * Writes the effects of one batch of events (in log order) through `tx`. May return a
   * callback the runner calls once the transaction has committed, e.g. to update a cache.
   */
  apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<(() => void) | void>;
  /** Forgets anything cached; called before a rebuild. */
  reset?(): void;
}
