import { jobSubject } from '@orkestra/contracts';
import type { Bus } from '@orkestra/application';
import { chooseDispatch } from '@orkestra/domain';
import type { AgentHolds, AgentKind, ConcurrencyLimits, InFlight, Job, QueuedJob } from '@orkestra/domain';
import pg from 'pg';

/** Serialises dispatch passes across scheduler instances (a transaction-scoped advisory lock). */
const DISPATCH_LOCK = 0x6f726b01;

export interface JobDispatcherOptions {
  readonly pool: pg.Pool;
  readonly bus: Pick<Bus, 'publish'>;
  readonly limits: ConcurrencyLimits;
  readonly onDispatched?: (jobs: readonly Job[]) => void;
}

/**
 * Sends queued jobs to the runners within the concurrency limits, projects taking turns (see
 * `chooseDispatch`). A pass publishes inside the transaction that marks the jobs dispatched:
 * if the commit fails the jobs stay queued and the next pass publishes them again under the
 * same message ids, which the bus drops as duplicates.
 */
export class JobDispatcher {
  constructor(private readonly options: JobDispatcherOptions) {}

  /** One pass; says how soon to look again when nothing wakes the dispatcher first. */
  async pass(): Promise<number | undefined> {
    const { pool, bus, limits } = this.options;
    const client = await pool.connect();
    try {
      const { inFlight, holds, queued } = await beginAndReadQueue(client, limits.global);
      const free = limits.global - inFlight.total;
      const choice = free > 0 ? chooseDispatch(queued.map((q) => q.job), inFlight, limits, holds, new Date().toISOString()) : { dispatch: [] };
      const jobs = choice.dispatch.map((q) => queued.find((c) => c.job === q)!.payload);
      await Promise.all(jobs.map((job) => bus.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId })));
      await client.query(jobs.length === 0 ? 'COMMIT' : markSentAndCommit(jobs.map((j) => j.jobId)));
      if (jobs.length > 0) this.options.onDispatched?.(jobs);
      // Held jobs may go when the earliest hold ends; anything else waits for a wake (a job queued, a slot freed).
      return 'wakeAt' in choice && choice.wakeAt !== undefined ? Math.max(0, Date.parse(choice.wakeAt) - Date.now()) : undefined;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

interface Candidate {
  readonly job: QueuedJob;
  readonly payload: Job;
}

interface QueueView {
  readonly inFlight: InFlight;
  readonly holds: AgentHolds;
  readonly queued: readonly Candidate[];
}

/**
 * In one round trip (a multi-statement query, so no parameters): begins the pass's transaction,
 * takes the dispatch lock, and reads the jobs out by project and agent kind, the live holds, and
 * the oldest queued jobs of every project (enough of each to fill the free slots past any held
 * ones). The transaction's marks of what was sent need not wait for the disk: if a database crash
 * loses them the jobs look queued again and are republished under the same ids, which the bus drops.
 */
async function beginAndReadQueue(client: pg.PoolClient, global: number): Promise<QueueView> {
  const results = (await client.query(
    `BEGIN; SET LOCAL synchronous_commit TO OFF; SELECT pg_advisory_xact_lock(${DISPATCH_LOCK});
     SELECT
       (SELECT json_agg(o) FROM (SELECT project_id, agent_kind, count(*)::int AS n FROM scheduler.jobs
          WHERE dispatched_at IS NOT NULL AND finished_at IS NULL GROUP BY project_id, agent_kind) o) AS out,
       (SELECT json_agg(h) FROM (SELECT agent_kind, until FROM scheduler.holds WHERE until > now()) h) AS holds,
       (SELECT json_agg(q ORDER BY q.rank, q.seq) FROM (
          SELECT job_id, project_id, kind, agent_kind, seq, job, row_number() OVER (PARTITION BY project_id ORDER BY seq) AS rank
            FROM scheduler.jobs WHERE dispatched_at IS NULL AND finished_at IS NULL) q
          WHERE q.rank <= ${Math.trunc(global) + 20}) AS queued`,
  )) as unknown as pg.QueryResult<{ out: OutRow[] | null; holds: HoldRow[] | null; queued: QueuedRow[] | null }>[];
  const row = results[results.length - 1]!.rows[0]!;
  const byProject: Record<string, number> = {};
  const byAgent: Partial<Record<AgentKind, number>> = {};
  let total = 0;
  for (const out of row.out ?? []) {
    total += out.n;
    byProject[out.project_id] = (byProject[out.project_id] ?? 0) + out.n;
    if (out.agent_kind !== null) byAgent[out.agent_kind] = (byAgent[out.agent_kind] ?? 0) + out.n;
  }
  return {
    inFlight: { total, byProject, byAgent },
    holds: Object.fromEntries((row.holds ?? []).map((h) => [h.agent_kind, new Date(h.until).toISOString()])),
    queued: (row.queued ?? []).map((q) => ({
      job: { jobId: q.job_id, projectId: q.project_id, kind: q.kind, seq: Number(q.seq), ...(q.agent_kind !== null && { agent: q.agent_kind }) },
      payload: q.job,
    })),
  };
}

/** Sent: the jobs are out and their deadlines start counting now. One round trip with the commit. */
function markSentAndCommit(jobIds: readonly string[]): string {
  const ids = jobIds.map((id) => pg.escapeLiteral(id)).join(', ');
  return `WITH sent AS (UPDATE scheduler.jobs SET dispatched_at = now() WHERE job_id = ANY(ARRAY[${ids}]::text[]) RETURNING job_id)
          UPDATE scheduler.timers SET due_at = now() + delay_ms * interval '1 millisecond'
           WHERE armed_by_job IN (SELECT job_id FROM sent) AND due_at IS NULL;
          COMMIT`;
}

interface OutRow {
  readonly project_id: string;
  readonly agent_kind: AgentKind | null;
  readonly n: number;
}

interface HoldRow {
  readonly agent_kind: AgentKind;
  readonly until: string;
}

interface QueuedRow {
  readonly job_id: string;
  readonly project_id: string;
  readonly kind: Job['kind'];
  readonly agent_kind: AgentKind | null;
  readonly seq: number | string;
  readonly job: Job;
}
