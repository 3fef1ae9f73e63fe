import { trakIdOf } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import { evolve, initialState } from '@orkestra/domain';
import type { TrakState } from '@orkestra/domain';
import type { Projection, Queryable } from '@orkestra/event-store';
import { StreamFolder, atOf } from '../shared/stream-folder.js';
import { summarize } from './trak-summary.js';
import type { TrakSummary } from './trak-summary.js';

export interface TraksProjectionOptions {
  readonly schemas?: EventSchemas;
  /** Trak states kept in memory between batches. Default 10,000. */
  readonly cacheSize?: number;
}

/**
 * `read.traks`: one summary row per Trak, computed by the domain's own `evolve`, so the list
 * can never disagree with what the decider sees.
 */
export class TraksProjection implements Projection {
  readonly name = 'read.traks';
  readonly tables = ['read.traks'];
  private readonly folder: StreamFolder<TrakState>;

  constructor(options: TraksProjectionOptions = {}) {
    this.folder = new StreamFolder<TrakState>({ evolve, initialState, owns: (streamId) => trakIdOf(streamId) !== undefined, ...options });
  }

  async apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<() => void> {
    const { streams, commit } = await this.folder.fold(tx, events);
    const rows: TrakSummary[] = [];
    for (const { state, position, last } of streams.values()) {
      const row = summarize(state, atOf(last), position);
      if (row !== undefined) rows.push(row);
    }
    await upsert(tx, rows);
    return commit;
  }

  reset(): void {
    this.folder.reset();
  }
}

const UPSERT = `
INSERT INTO read.traks (trak_id, project_id, parent_id, title, flow, status, stage, iteration, auto_mode, branch,
  base_branch, pr_url, status_detail, cost_usd, created_at, updated_at, stream_position, description, attention, state)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
  $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::float8[], $15::timestamptz[], $16::timestamptz[], $17::bigint[],
  $18::text[], $19::text[], $20::jsonb[])
ON CONFLICT (trak_id) DO UPDATE SET
  project_id = EXCLUDED.project_id, parent_id = EXCLUDED.parent_id, title = EXCLUDED.title, flow = EXCLUDED.flow,
  status = EXCLUDED.status, stage = EXCLUDED.stage, iteration = EXCLUDED.iteration, auto_mode = EXCLUDED.auto_mode,
  branch = EXCLUDED.branch, base_branch = EXCLUDED.base_branch, pr_url = EXCLUDED.pr_url,
  status_detail = EXCLUDED.status_detail, cost_usd = EXCLUDED.cost_usd, created_at = EXCLUDED.created_at,
  updated_at = EXCLUDED.updated_at, stream_position = EXCLUDED.stream_position, description = EXCLUDED.description,
  attention = EXCLUDED.attention, state = EXCLUDED.state`;

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
    column('description'),
    column('attention'),
    rows.map((r) => JSON.stringify(r.state)),
  ]);
}
