import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@orkestra/application';
import type { KnownTrakState } from '@orkestra/domain';
import { ApiError } from '../shell/api-error.js';
import type { ApiContext } from '../shell/api-context.js';
import { ApiStores } from '../shell/api-stores.js';
import type { Trak } from './trak.model.js';
import { knownState, trakView } from './trak-view.js';

/** A Trak as the caller may see it: its state folded from the log, and the events that made it. */
export interface VisibleTrak {
  readonly state: KnownTrakState;
  readonly events: readonly RecordedEvent[];
  readonly view: Trak;
}

@Injectable()
export class TrakReads {
  constructor(private readonly stores: ApiStores) {}

  /**
   * The Trak read from its stream (not a read model: a query right after a mutation sees it), as
   * it stood after `version` events when given. NOT_FOUND when it does not exist then, or when
   * the caller may not read its project.
   */
  async visible(context: ApiContext, trakId: string, version?: number): Promise<VisibleTrak> {
    const { state, events } = await this.stores.readTrak(trakId, version);
    const known = knownState(state);
    if (known === undefined) {
      const when = version === undefined || events.length === 0 ? '' : ` at version ${version}`;
      throw new ApiError('NOT_FOUND', `Trak ${trakId} does not exist${when} or is not visible to you`, { details: { id: trakId } });
    }
    await context.access.require(known.trak.projectId, 'read', { kind: 'Trak', id: trakId });
    const last = events[events.length - 1]!;
    return { state: known, events, view: trakView(known, last.streamPosition, atOf(last)) };
  }
}

/** When an event happened: its own `at` (every Trak event has one), else when it was stored. */
export const atOf = (event: { readonly data: Readonly<Record<string, unknown>>; readonly createdAt?: Date }): string =>
  typeof event.data['at'] === 'string' ? event.data['at'] : (event.createdAt ?? new Date()).toISOString();
