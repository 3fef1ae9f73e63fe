import { correlationHeaders, jobSubject } from '@orkestra/contracts';
import type { Bus } from '@orkestra/application';
import { chooseDispatch, jobRunsOn } from '@orkestra/domain';
import type { AgentHolds, AgentKind, ConcurrencyLimits, InFlight, Job, QueuedJob, RunnerCapabilities } from '@orkestra/domain';
import pg from 'pg';

/** Serialises dispatch passes across scheduler instances (a transaction-scoped advisory lock). */
const DISPATCH_LOCK = 0x6f726b01;

export interface JobDispatcherOptions {
  readonly pool: pg.Pool;
  readonly bus: Pick<Bus, 'publish'>;
  readonly limits: ConcurrencyLimits;
  readonly onDispatched?: (jobs: readonly Job[]) => void;
  /**
   * The live runners, asked only while a queued job needs labels: such a job waits, queued, while
   * none of them can take it. Without it every job goes as soon as the limits allow.
   */
  readonly runners?: () => readonly RunnerCapabilities[];
  /** Tells the job's Trak that no live runner can take the job; once per wait, again only if this throws. */
  readonly onNoRunner?: (job: Job, correlationId: string | undefined) => Promise<void>;
  /** Tells the job's Trak that a job it was told waits for a runner has gone out. */
  readonly onRunnerFound?: (job: Job, correlationId: string | undefined) => Promise<void>;
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
      const needsLabels = queued.some((c) => (c.job.runsOn?.length ?? 0) > 0);
      const runners = needsLabels ? this.options.runners?.() : undefined;
      const choice =
        free > 0 || runners !== undefined
          ? chooseDispatch(queued.map((q) => q.job), inFlight, limits, holds, new Date().toISOString(), runners)
          : { dispatch: [], waitingForRunner: [] };
      const candidate = (job: QueuedJob): Candidate => queued.find((c) => c.job === job)!;
      const sent = choice.dispatch.map(candidate);
      const jobs = sent.map((c) => c.payload);
      await Promise.all(sent.map(({ payload: job, correlationId }) => bus.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId, headers: correlationHeaders(correlationId) })));
      await client.query(jobs.length === 0 ? 'COMMIT' : markSentAndCommit(jobs.map((j) => j.jobId)));
      if (jobs.length > 0) this.options.onDispatched?.(jobs);
      await this.tellTraks(
        choice.waitingForRunner.map(candidate).filter((c) => !c.told),
        sent.filter((c) => c.told),
      );
      // Held jobs may go when the earliest hold ends; anything else waits for a wake (a job queued, a slot freed, a runner registered).
      return 'wakeAt' in choice && choice.wakeAt !== undefined ? Math.max(0, Date.parse(choice.wakeAt) - Date.now()) : undefined;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * After the pass, outside its lock: the Traks of jobs that began waiting for a runner are told
   * (and the job marked, so later passes do not tell them again), and those of jobs that waited
   * and went out are told the wait is over.
   */
  private async tellTraks(waiting: readonly Candidate[], found: readonly Candidate[]): Promise<void> {
    const { pool, onNoRunner, onRunnerFound } = this.options;
    for (const { payload, correlationId } of waiting) {
      if (onNoRunner === undefined) break;
      await onNoRunner(payload, correlationId);
      await pool.query(`UPDATE scheduler.jobs SET runner_wait_at = now() WHERE job_id = $1`, [payload.jobId]);
    }
    for (const { payload, correlationId } of found) await onRunnerFound?.(payload, correlationId);
  }
}

interface Candidate {
  readonly job: QueuedJob;
  readonly payload: Job;
  /** Its Trak was told that no runner could take it. */
  readonly told: boolean;
  /** Of the input that queued it; the job goes out with it. */
  readonly correlationId: string | undefined;
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
          SELECT job_id, project_id, kind, agent_kind, seq, job, runner_wait_at IS NOT NULL AS told, correlation_id, row_number() OVER (PARTITION BY project_id ORDER BY seq) AS rank
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
    queued: (row.queued ?? []).map((q) => {
      const runsOn = jobRunsOn(q.job);
      return {
        job: { jobId: q.job_id, projectId: q.project_id, kind: q.kind, seq: Number(q.seq), ...(q.agent_kind !== null && { agent: q.agent_kind }), ...(runsOn.length > 0 && { runsOn }) },
        payload: q.job,
        told: q.told,
        correlationId: q.correlation_id ?? undefined,
      };
    }),
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
  readonly told: boolean;
  readonly correlation_id: string | null;
}
