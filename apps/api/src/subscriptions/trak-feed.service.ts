import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { APP_LOGGER, logWith } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { ApiBus } from '../shell/api-bus.js';
import { ApiError } from '../shell/api-error.js';
import { ApiStores } from '../shell/api-stores.js';
import { Channel } from './channel.js';
import { EventFeed } from './event-feed.js';
import type { FeedEvent } from './event-feed.js';
import { TrakChanges } from './trak-changes.js';
import type { TrakChange } from './trak-changes.js';

/** A subscriber may fall this many updates behind before it is cut off (it reconnects with its cursor). */
const QUEUE_LIMIT = 10_000;

const TRAK_EVENT = /^ork\.evt\.[^.]+\.trak\./;

/** The api's one live feed of Trak changes (from NATS), turned into GraphQL subscription streams. */
@Injectable()
export class TrakFeed implements OnModuleDestroy {
  private readonly feed: EventFeed<TrakChange> | undefined;

  constructor(bus: ApiBus, stores: ApiStores, @Inject(APP_LOGGER) logger: AppLogger) {
    const changes = new TrakChanges(stores);
    this.feed =
      bus.bus === undefined
        ? undefined
        : new EventFeed(bus.bus, {
            wants: (subject) => TRAK_EVENT.test(subject),
            enrich: (event) => changes.of(event),
            log: logWith(logger, 'warn'),
          });
  }

  /** The updates `matches` wants, after cursor `after` (or from now), as an async iterator for graphql-ws. */
  async stream<T>(matches: (change: FeedEvent<TrakChange>) => boolean, map: (change: FeedEvent<TrakChange>) => T, after: string | null | undefined): Promise<AsyncIterableIterator<T>> {
    if (this.feed === undefined) throw new ApiError('UNAVAILABLE', 'Subscriptions need the api to be connected to NATS (ORK_API_NATS_URL)');
    const cursor = parseCursor(after);
    const channel = new Channel<T>(QUEUE_LIMIT, () => new ApiError('CURSOR_EXPIRED', `You fell more than ${QUEUE_LIMIT} updates behind; subscribe again with the last cursor you received`));
    // Every subscriber gets the same object for an event, so its execution is shared (see sharedSubscribe).
    const unsubscribe = await this.feed.subscribe({ matches, deliver: (event) => channel.push(shared(event, map)) }, cursor);
    channel.whenClosed(unsubscribe);
    return channel;
  }

  // Before the lifecycle closes the bus (onModuleDestroy runs before beforeApplicationShutdown).
  async onModuleDestroy(): Promise<void> {
    await this.feed?.close();
  }
}

function parseCursor(after: string | null | undefined): number | undefined {
  if (after == null || after === '') return undefined;
  if (!/^\d{1,15}$/.test(after)) throw new ApiError('VALIDATION_FAILED', 'after: not a cursor this server gave out (pass a `cursor` from an update)', { field: 'after' });
  return Number(after);
}

const payloads = new WeakMap<object, WeakMap<object, unknown>>();

/** `map(event)`, computed once per event and mapping function. */
function shared<E extends object, T>(event: E, map: (event: E) => T): T {
  let byMap = payloads.get(event);
  if (byMap === undefined) payloads.set(event, (byMap = new WeakMap()));
  if (!byMap.has(map)) byMap.set(map, map(event));
  return byMap.get(map) as T;
}
