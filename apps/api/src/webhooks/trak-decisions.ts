import { ORKESTRA_EVENT_SCHEMAS, UpcastingEventStore, trakIdOf } from '@orkestra/application';
import type { EventSchemas, EventStore, RecordedEvent } from '@orkestra/application';
import { evolve, initialState } from '@orkestra/domain';
import type { TrakEvent, TrakState } from '@orkestra/domain';
import { PostgresEventStore } from '@orkestra/event-store';
import type { Queryable } from '@orkestra/event-store';

/** Everything one command appended to a Trak, with the states around it. */
export interface TrakDecision {
  readonly trakId: string;
  readonly before: TrakState;
  readonly events: readonly RecordedEvent[];
  readonly after: TrakState;
  /** Where the decision starts in the batch, so a reader can take decisions and other events in log order. */
  readonly index: number;
}

interface Folded {
  readonly state: TrakState;
  readonly position: number;
  /** The decision the stream's last folded event belongs to. */
  readonly decision: string | undefined;
}

/** A command's events share its id, and are appended in one transaction. */
const decisionOf = (event: RecordedEvent): string => `${event.transactionId}/${String(event.metadata['commandId'] ?? event.id)}`;

const fold = (state: TrakState, events: readonly RecordedEvent[]): TrakState =>
  events.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as unknown as TrakEvent), state);

/**
 * Cuts the Trak events of a batch of the log into decisions. A batch may end inside a
 * transaction (it holds at most so many events): a decision cut there is completed from the log
 * and judged whole with this batch, and its tail, when the next batch starts with it, is folded
 * but not judged again. States of recent Traks stay in memory between batches.
 */
export class TrakDecisions {
  private readonly cache = new Map<string, Folded>();

  constructor(
    private readonly schemas: EventSchemas = ORKESTRA_EVENT_SCHEMAS,
    private readonly cacheSize = 10_000,
  ) {}

  async of(tx: Queryable, batch: readonly RecordedEvent[]): Promise<{ decisions: TrakDecision[]; commit: () => void }> {
    const store = UpcastingEventStore.over(new PostgresEventStore(tx), this.schemas);
    const byStream = new Map<string, { event: RecordedEvent; index: number }[]>();
    batch.forEach((event, index) => {
      if (trakIdOf(event.streamId) === undefined) return;
      const list = byStream.get(event.streamId) ?? [];
      list.push({ event, index });
      byStream.set(event.streamId, list);
    });
    const rest = byStream.size === 0 ? [] : await restOfTransaction(store, batch[batch.length - 1]!);

    const decisions: TrakDecision[] = [];
    const folded = new Map<string, Folded>();
    for (const [streamId, entries] of byStream) {
      const start = await this.before(store, streamId, entries[0]!.event.streamPosition);
      const runs = runsOf(entries);
      let state = start.state;
      runs.forEach((run, i) => {
        const before = state;
        state = fold(state, run.events);
        if (i === 0 && run.decision === start.decision) return;
        const more = i === runs.length - 1 ? rest.filter((e) => e.streamId === streamId && decisionOf(e) === run.decision) : [];
        decisions.push({ trakId: trakIdOf(streamId)!, before, events: [...run.events, ...more], after: fold(state, more), index: run.index });
      });
      const last = entries[entries.length - 1]!.event;
      folded.set(streamId, { state, position: last.streamPosition, decision: decisionOf(last) });
    }
    decisions.sort((a, b) => a.index - b.index);
    return { decisions, commit: () => this.remember(folded) };
  }

  reset(): void {
    this.cache.clear();
  }

  private async before(store: EventStore, streamId: string, position: number): Promise<Folded> {
    const cached = this.cache.get(streamId);
    if (cached !== undefined && cached.position === position - 1) return cached;
    if (position === 1) return { state: initialState(), position: 0, decision: undefined };
    const earlier = (await store.readStream(streamId)).events.filter((e) => e.streamPosition < position);
    const last = earlier[earlier.length - 1];
    return { state: fold(initialState(), earlier), position: position - 1, decision: last === undefined ? undefined : decisionOf(last) };
  }

  private remember(folded: ReadonlyMap<string, Folded>): void {
    for (const [streamId, entry] of folded) {
      this.cache.delete(streamId);
      this.cache.set(streamId, entry);
    }
    for (const streamId of this.cache.keys()) {
      if (this.cache.size <= this.cacheSize) break;
      this.cache.delete(streamId);
    }
  }
}

/** Consecutive events of one stream that one command appended. */
function runsOf(entries: readonly { event: RecordedEvent; index: number }[]): { decision: string; index: number; events: RecordedEvent[] }[] {
  const runs: { decision: string; index: number; events: RecordedEvent[] }[] = [];
  for (const { event, index } of entries) {
    const decision = decisionOf(event);
    const open = runs[runs.length - 1];
    if (open?.decision === decision) open.events.push(event);
    else runs.push({ decision, index, events: [event] });
  }
  return runs;
}

/** The events of `last`'s transaction that come after it in the log (none unless the batch ended inside it). */
async function restOfTransaction(store: EventStore, last: RecordedEvent): Promise<RecordedEvent[]> {
  const rest: RecordedEvent[] = [];
  let position = { transactionId: last.transactionId, globalPosition: last.globalPosition };
  for (;;) {
    const { events } = await store.readAll(position, LOOK_AHEAD);
    const same = events.filter((e) => e.transactionId === last.transactionId);
    rest.push(...same);
    if (same.length < LOOK_AHEAD) return rest;
    position = { transactionId: last.transactionId, globalPosition: same[same.length - 1]!.globalPosition };
  }
}

/** Events read at a time past a batch's end; a command rarely appends more. */
const LOOK_AHEAD = 50;
