import { CursorExpiredError } from '@orkestra/application';
import type { Bus, Following } from '@orkestra/application';
import { EVENTS_STREAM, MalformedMessageError, parseMessageData, publishedEventSchema } from '@orkestra/contracts';
import type { PublishedEvent } from '@orkestra/contracts';
import { ApiError } from '../shell/api-error.js';

export type { PublishedEvent } from '@orkestra/contracts';

/** One event of the feed: its sequence on ORK_EVENTS is the cursor clients resume from, and what the feed made of it. */
export interface FeedEvent<Detail = unknown> {
  readonly seq: number;
  readonly event: PublishedEvent;
  readonly detail: Detail;
}

export interface FeedSubscription<Detail> {
  /** Which events this subscriber wants. */
  readonly matches: (event: FeedEvent<Detail>) => boolean;
  /** Called in stream order, each event once. */
  readonly deliver: (event: FeedEvent<Detail>) => void;
}

export interface EventFeedOptions<Detail> {
  /** Which events the feed keeps (by subject), e.g. only Trak events. */
  readonly wants: (subject: string) => boolean;
  /** Works out, once per event for every subscriber, what they are sent (e.g. the Trak after the event); undefined skips it. */
  readonly enrich: (event: PublishedEvent) => Promise<Detail | undefined>;
  /** Recent events kept in memory, so a client reconnecting shortly after a drop is served without reading the bus again. Default 10,000. */
  readonly bufferSize?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * One live reading of ORK_EVENTS per api instance, shared by every subscription it serves. A
 * subscriber with a cursor first gets what it missed (from the recent buffer, or from the bus
 * when older), then the live events, in stream order, each once: events arriving meanwhile wait
 * in its queue and those already replayed are skipped.
 */
export class EventFeed<Detail> {
  private readonly buffer: FeedEvent<Detail>[] = [];
  private readonly bufferSize: number;
  private readonly listeners = new Set<(event: FeedEvent<Detail>) => void>();
  private following: Promise<Following> | undefined;
  private lastSeq = 0;

  constructor(
    private readonly bus: Bus,
    private readonly options: EventFeedOptions<Detail>,
  ) {
    this.bufferSize = options.bufferSize ?? 10_000;
  }

  /**
   * Serves `subscription` from just after `after` (a cursor this feed gave out), or from now when
   * it is undefined. Returns the function that ends it.
   */
  async subscribe(subscription: FeedSubscription<Detail>, after: number | undefined): Promise<() => void> {
    await this.start();
    let live = false;
    let delivered = after ?? this.lastSeq;
    const queued: FeedEvent<Detail>[] = [];
    const pass = (event: FeedEvent<Detail>): void => {
      if (event.seq <= delivered) return;
      delivered = event.seq;
      if (subscription.matches(event)) subscription.deliver(event);
    };
    const listener = (event: FeedEvent<Detail>): void => (live ? pass(event) : void queued.push(event));
    this.listeners.add(listener);
    const stop = () => this.listeners.delete(listener);
    try {
      const upTo = this.lastSeq;
      if (after !== undefined && after < upTo) await this.replay(after, upTo, pass);
      for (const event of queued.splice(0)) pass(event);
      live = true;
    } catch (error) {
      stop();
      throw error;
    }
    return () => void stop();
  }

  async close(): Promise<void> {
    const following = this.following;
    this.following = undefined;
    this.listeners.clear();
    if (following !== undefined) await (await following).stop();
  }

  private start(): Promise<Following> {
    this.following ??= this.bus
      .follow(EVENTS_STREAM.name, {}, async (message) => {
        const event = await this.read(message.seq, message.subject, message.data);
        this.lastSeq = message.seq;
        if (event === undefined) return;
        this.buffer.push(event);
        if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
        for (const listener of this.listeners) listener(event);
      })
      .then((following) => {
        this.lastSeq = Math.max(this.lastSeq, following.lastSeq);
        void following.ended.then((reason) => {
          if (reason === undefined) return;
          this.options.log?.('the live event feed ended; it restarts with the next subscription', { reason: String(reason) });
          this.following = undefined;
        });
        return following;
      })
      .catch((error: unknown) => {
        this.following = undefined;
        throw error;
      });
    return this.following;
  }

  /** Hands `pass` every event after `after` up to `upTo`, from the buffer when it reaches back that far, else from the bus. */
  private async replay(after: number, upTo: number, pass: (event: FeedEvent<Detail>) => void): Promise<void> {
    const oldest = this.buffer[0];
    if (oldest !== undefined && oldest.seq <= after + 1) {
      for (const event of this.buffer) if (event.seq > after && event.seq <= upTo) pass(event);
      return;
    }
    let reached!: () => void;
    const done = new Promise<void>((resolve) => (reached = resolve));
    let following: Following;
    try {
      following = await this.bus.follow(EVENTS_STREAM.name, { afterSeq: after }, async (message) => {
        if (message.seq > upTo) return reached();
        const event = await this.read(message.seq, message.subject, message.data);
        if (event !== undefined) pass(event);
        if (message.seq >= upTo) reached();
      });
    } catch (error) {
      if (CursorExpiredError.is(error)) {
        throw new ApiError('CURSOR_EXPIRED', `Cursor ${after} is older than the events the server still keeps (from ${error.firstSeq}); reload, then subscribe without a cursor`, {
          field: 'after',
        });
      }
      throw error;
    }
    await Promise.race([
      done,
      following.ended.then((reason) => {
        if (reason !== undefined) throw reason instanceof Error ? reason : new Error(`the bus stopped while replaying: ${String(reason)}`);
      }),
    ]);
    await following.stop();
  }

  private async read(seq: number, subject: string, data: Uint8Array): Promise<FeedEvent<Detail> | undefined> {
    if (!this.options.wants(subject)) return undefined;
    // Not JSON, or not an event: skipped (a following that threw would end for every subscriber).
    const event = parseMessageData(publishedEventSchema, data, 'event');
    if (event instanceof MalformedMessageError) {
      this.options.log?.('malformed message refused', { consumer: 'event-feed', seq, subject, reason: event.reason });
      return undefined;
    }
    const detail = await this.options.enrich(event);
    return detail === undefined ? undefined : { seq, event, detail };
  }
}
