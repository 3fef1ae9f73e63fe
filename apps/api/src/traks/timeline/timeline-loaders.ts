import { AGENT_RUNS_TABLE, GATE_RUNS_TABLE, ITERATIONS_TABLE, rowFrom, timelineOf } from '@orkestra/read-models';
import type { Timeline, TimelineTable } from '@orkestra/read-models';
import DataLoader from 'dataloader';
import type pg from 'pg';
import type { Trak } from '../trak.model.js';

/**
 * A Trak's iterations, agent runs and gate runs for one GraphQL operation. Every Trak asked for
 * in the same tick is read with one query per table, whatever the page size. Keyed by Trak id
 * only: the Trak resolvers have already checked the caller may read the Traks they return.
 */
export class TimelineLoaders {
  private readonly tables: { readonly [K in keyof Timeline]: DataLoader<string, Timeline[K]> };
  private readonly folded = new WeakMap<Trak, Timeline>();

  constructor(pool: pg.Pool) {
    this.tables = {
      iterations: byTrak(pool, ITERATIONS_TABLE),
      runs: byTrak(pool, AGENT_RUNS_TABLE),
      gates: byTrak(pool, GATE_RUNS_TABLE),
    };
  }

  /**
   * One part of the Trak's timeline: folded from the events the view was read from when it
   * carries them (`trak(id, at:)` then shows the timeline as it stood), else from the read model.
   */
  async of<K extends keyof Timeline>(trak: Trak, part: K): Promise<Timeline[K]> {
    if (trak.events === undefined) return this.tables[part].load(trak.id) as Promise<Timeline[K]>;
    let timeline = this.folded.get(trak);
    if (timeline === undefined) {
      timeline = timelineOf(trak.events);
      this.folded.set(trak, timeline);
    }
    return timeline[part];
  }
}

// Batches without a memo: a subscription keeps its context for as long as it runs, and a memo
// would answer later events with the rows of the first.
function byTrak<Row extends { readonly trakId: string }>(pool: pg.Pool, table: TimelineTable<Row>): DataLoader<string, readonly Row[]> {
  const columns = table.columns.map((c) => c.column).join(', ');
  const sql = `SELECT ${columns} FROM ${table.name} WHERE trak_id = ANY($1::text[]) ORDER BY trak_id, position`;
  return new DataLoader<string, readonly Row[]>(
    async (trakIds) => {
      const { rows } = await pool.query<Record<string, unknown>>(sql, [[...new Set(trakIds)]]);
      const byId = new Map<string, Row[]>();
      for (const record of rows) {
        const row = rowFrom(table, record);
        const list = byId.get(row.trakId);
        if (list === undefined) byId.set(row.trakId, [row]);
        else list.push(row);
      }
      return trakIds.map((id) => byId.get(id) ?? []);
    },
    { cache: false },
  );
}
