import { trakIdOf } from '@orkestra/application';
import { evolve, humanAttention, initialState } from '@orkestra/domain';
import type { HumanAttention, KnownTrakState, TrakEvent, TrakState } from '@orkestra/domain';
import type { ApiStores } from '../shell/api-stores.js';
import type { Trak } from '../traks/trak.model.js';
import { trakView } from '../traks/trak-view.js';
import type { PublishedEvent } from './event-feed.js';

/** What one event did to a Trak: the Trak after it, and whether it now waits for a person when it did not before. */
export interface TrakChange {
  readonly trakId: string;
  readonly projectId: string;
  readonly trak: Trak;
  /** Set when the event made the Trak wait for a person (or for a different reason than before). */
  readonly newAttention?: HumanAttention;
}

interface Folded {
  readonly state: TrakState;
  readonly position: number;
}

/**
 * Folds the Traks the live feed sees with the domain's `evolve`, keeping recent states in memory
 * so each event costs no read of the log; a Trak not in memory (or an event out of step) is
 * folded from its stream up to that event.
 */
export class TrakChanges {
  private readonly cache = new Map<string, Folded>();

  constructor(
    private readonly stores: ApiStores,
    private readonly cacheSize = 5_000,
  ) {}

  async of(event: PublishedEvent): Promise<TrakChange | undefined> {
    const trakId = trakIdOf(event.streamId);
    if (trakId === undefined) return undefined;
    const before = await this.stateBefore(trakId, event.streamPosition);
    const after = evolve(before, { type: event.type, data: event.data } as unknown as TrakEvent);
    this.remember(trakId, { state: after, position: event.streamPosition });
    if (after.status === 'Initial') return undefined;
    const attention = humanAttention(after);
    const previous = before.status === 'Initial' ? undefined : humanAttention(before as KnownTrakState);
    const at = typeof event.data['at'] === 'string' ? event.data['at'] : event.createdAt;
    return {
      trakId,
      projectId: after.trak.projectId,
      trak: trakView(after, event.streamPosition, at),
      ...(attention !== undefined && attention.kind !== previous?.kind && { newAttention: attention }),
    };
  }

  private async stateBefore(trakId: string, position: number): Promise<TrakState> {
    const cached = this.cache.get(trakId);
    if (cached !== undefined && cached.position === position - 1) return cached.state;
    if (position === 1) return initialState();
    return (await this.stores.readTrak(trakId, position - 1)).state;
  }

  private remember(trakId: string, folded: Folded): void {
    this.cache.delete(trakId);
    this.cache.set(trakId, folded);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }
}
