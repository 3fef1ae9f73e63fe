import { ORKESTRA_EVENT_SCHEMAS, UpcastingEventStore, trakIdOf } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import { evolve, initialState } from '@orkestra/domain';
import type { TrakEvent, TrakState } from '@orkestra/domain';
import { PostgresEventStore } from '@orkestra/event-store';
import type { Projection, Queryable } from '@orkestra/event-store';
import { summarize } from './trak-summary.js';
import type { TrakSummary } from './trak-summary.js';

interface Folded {
  readonly state: TrakState;
  /** Stream position of the last event folded into `state`. */
  readonly position: number;
}

export interface TraksProjectionOptions {
  readonly schemas?: EventSchemas;
  /** Trak states kept in memory between batches. Default 10,000. */
  readonly cacheSize?: number;
}

/**
 * `read.traks`: one summary row per Trak, computed by the domain's own `evolve`, so the list
 * can never disagree with what the decider sees. States of recently active Traks stay in
 * memory; a Trak not in memory (or moved on by another process) is folded from its stream.
 */
export class TraksProjection implements Projection {
  readonly name = 'read.traks';
  readonly tables = ['read.traks'];
  private readonly cache = new Map<string, Folded>();
  private readonly cacheSize: number;

  constructor(private readonly options: TraksProjectionOptions = {}) {
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  async apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<() => void> {
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      if (trakIdOf(event.streamId) === undefined) continue;
      const list = byStream.get(event.streamId);
      if (list === undefined) byStream.set(event.streamId, [event]);
      else list.push(event);
    }

    const folded = new Map<string, Folded>();
    const rows: TrakSummary[] = [];
    for (const [streamId, streamEvents] of byStream) {
      let { state, position } = await this.stateBefore(tx, streamId, streamEvents[0]!.streamPosition);
      for (const event of streamEvents) {
        state = evolve(state, { type: event.type, data: event.data } as unknown as TrakEvent);
        position = event.streamPosition;
      }
      folded.set(streamId, { state, position });
      const last = streamEvents[streamEvents.length - 1]!;
      const row = summarize(state, atOf(last), position);
      if (row !== undefined) rows.push(row);
    }
    await upsert(tx, rows);
    return () => this.remember(folded);
  }

  reset(): void {
    this.cache.clear();
  }

  private async stateBefore(tx: Queryable, streamId: string, position: number): Promise<Folded> {
    const cached = this.cache.get(streamId);
    if (cached !== undefined && cached.position === position - 1) return cached;
    if (position === 1) return { state: initialState(), position: 0 };
    const { events } = await UpcastingEventStore.over(new PostgresEventStore(tx), this.options.schemas ?? ORKESTRA_EVENT_SCHEMAS).readStream(streamId);
    const before = events.filter((e) => e.streamPosition < position);
    return {
      state: before.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as unknown as TrakEvent), initialState()),
      position: position - 1,
    };
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

const atOf = (event: RecordedEvent): string => (typeof event.data['at'] === 'string' ? event.data['at'] : event.createdAt.toISOString());

const UPSERT = `
INSERT INTO read.traks (trak_id, project_id, parent_id, title, flow, status, stage, iteration, auto_mode, branch,
  base_branch, pr_url, status_detail, cost_usd, created_at, updated_at, stream_position)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
  $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::float8[], $15::timestamptz[], $16::timestamptz[], $17::bigint[])
ON CONFLICT (trak_id) DO UPDATE SET
  project_id = EXCLUDED.project_id, parent_id = EXCLUDED.parent_id, title = EXCLUDED.title, flow = EXCLUDED.flow,
  status = EXCLUDED.status, stage = EXCLUDED.stage, iteration = EXCLUDED.iteration, auto_mode = EXCLUDED.auto_mode,
  branch = EXCLUDED.branch, base_branch = EXCLUDED.base_branch, pr_url = EXCLUDED.pr_url,
  status_detail = EXCLUDED.status_detail, cost_usd = EXCLUDED.cost_usd, created_at = EXCLUDED.created_at,
  updated_at = EXCLUDED.updated_at, stream_position = EXCLUDED.stream_position`;

async function upsert(tx: Queryable, rows: readonly TrakSummary[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof TrakSummary>(key: K): TrakSummary[K][] => rows.map((r) => r[key]);
  await tx.query(UPSERT, [
    column('trakId'),
    column('projectId'),
    column('parentId'),
    column('title'),
    column('flow'),
    column('status'),
    column('stage'),
    column('iteration'),
    column('autoMode'),
    column('branch'),
    column('baseBranch'),
    column('prUrl'),
    column('statusDetail'),
    column('costUsd'),
    column('createdAt'),
    column('updatedAt'),
    column('streamPosition'),
  ]);
}
