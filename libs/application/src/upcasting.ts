import { hasCode } from './error-code.js';
import type { AppendResult, EventStore, ExpectedPosition, LogBatch, LogPosition, NewEvent, RecordedEvent } from './event-store.port.js';

/**
 * One step of an event's schema history: turns the payload of `type` at version `from` into
 * the next version's (`from + 1`). A step may also rename the type; the chain goes on under
 * the new name.
 */
export interface UpcastStep {
  readonly type: string;
  readonly from: number;
  readonly renamedTo?: string;
  readonly upcast: (data: Record<string, unknown>) => Record<string, unknown>;
}

/** An event whose stored schema no step can bring up to date. */
export class UpcastError extends Error {
  readonly code = 'EVENT_STORE.UPCAST' as const;

  constructor(
    message: string,
    readonly eventId: string,
  ) {
    super(message);
    this.name = 'UpcastError';
  }

  static is(error: unknown): error is UpcastError {
    return hasCode(error, 'EVENT_STORE.UPCAST');
  }
}

/**
 * Event schema versions. Appends record each type's current version; reads turn older
 * versions into the current one step by step, so deciders, projections and the pipeline only
 * ever see today's shapes. A version newer than this code knows is refused rather than
 * misread: it was written by a newer Orkestra.
 */
export class EventSchemas {
  private readonly steps = new Map<string, UpcastStep>();
  private readonly current = new Map<string, number>();

  constructor(steps: readonly UpcastStep[] = []) {
    for (const step of steps) {
      const key = stepKey(step.type, step.from);
      if (this.steps.has(key)) throw new Error(`Two upcasters for ${step.type} v${step.from}`);
      this.steps.set(key, step);
    }
    for (const step of steps) {
      const type = step.renamedTo ?? step.type;
      this.current.set(type, Math.max(this.current.get(type) ?? 1, step.from + 1));
    }
  }

  /** The version appends record for `type`: one past its last upcaster, 1 without any. */
  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  upcast(event: RecordedEvent): RecordedEvent {
    let { type, schemaVersion: version } = event;
    let data = event.data;
    for (let step = this.steps.get(stepKey(type, version)); step !== undefined; step = this.steps.get(stepKey(type, version))) {
      data = step.upcast(data);
      type = step.renamedTo ?? type;
      version += 1;
    }
    const expected = this.currentVersion(type);
    if (version !== expected) {
      throw new UpcastError(
        version > expected
          ? `Event ${event.id} (${type} v${version}, stream ${event.streamId}) is newer than this Orkestra understands (v${expected}); upgrade the service`
          : `Event ${event.id} (${type} v${version}, stream ${event.streamId}) has no upcaster to v${expected}`,
        event.id,
      );
    }
    return type === event.type && data === event.data && version === event.schemaVersion ? event : { ...event, type, data, schemaVersion: version };
  }

  /** Stamps the current version on events that do not name one. */
  stamp(event: NewEvent): NewEvent {
    return event.schemaVersion !== undefined ? event : { ...event, schemaVersion: this.currentVersion(event.type) };
  }
}

const stepKey = (type: string, from: number): string => `${type}@${from}`;

/** An event store that writes current schema versions and reads everything upcast. */
export class UpcastingEventStore implements EventStore {
  /** `store` itself when there are no schemas to apply, else the store wrapped. */
  static over(store: EventStore, schemas: EventSchemas | undefined): EventStore {
    return schemas === undefined ? store : new UpcastingEventStore(store, schemas);
  }

  constructor(
    private readonly inner: EventStore,
    private readonly schemas: EventSchemas,
  ) {}

  append(streamId: string, events: readonly NewEvent[], options: { readonly expected: ExpectedPosition }): Promise<AppendResult> {
    return this.inner.append(streamId, events.map((e) => this.schemas.stamp(e)), options);
  }

  async readStream(streamId: string, options?: { readonly fromPosition?: number }) {
    const { streamPosition, events } = await this.inner.readStream(streamId, options);
    return { streamPosition, events: events.map((e) => this.schemas.upcast(e)) };
  }

  async readAll(after: LogPosition | undefined, limit: number): Promise<LogBatch> {
    const batch = await this.inner.readAll(after, limit);
    return { ...batch, events: batch.events.map((e) => this.schemas.upcast(e)) };
  }
}
