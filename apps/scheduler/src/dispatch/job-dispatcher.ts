import { jobSubject } from '@orkestra/application';
import type { Bus } from '@orkestra/application';
import { chooseDispatch } from '@orkestra/domain';
import type { AgentHolds, AgentKind, ConcurrencyLimits, InFlight, Job, QueuedJob } from '@orkestra/domain';
import type pg from 'pg';
import { Loop } from '../service/loop.js';

/** Serialises dispatch passes across scheduler instances (a transaction-scoped advisory lock). */
const DISPATCH_LOCK = 0x6f726b01;

export interface JobDispatcherOptions {
  readonly pool: pg.Pool;
  readonly bus: Pick<Bus, 'publish'>;
  readonly limits: ConcurrencyLimits;
  /** Longest wait between passes when nothing wakes the dispatcher (other instances, expired holds). Default 2 s. */
  readonly idleMs?: number;
  readonly onDispatched?: (jobs: readonly Job[]) => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Sends queued jobs to the runners within the concurrency limits, projects taking turns (see
 * `chooseDispatch`). A pass publishes inside the transaction that marks the jobs dispatched:
 * if the commit fails the jobs stay queued and the next pass publishes them again under the
 * same message ids, which the bus drops as duplicates.
 */
export class JobDispatcher {
  private readonly loop: Loop;

  constructor(private readonly options: JobDispatcherOptions) {
    this.loop = new Loop({ name: 'dispatcher', idleMs: options.idleMs ?? 2_000, step: () => this.pass(), ...(options.log !== undefined && { log: options.log }) });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; says how soon to look again when nothing wakes the dispatcher first. */
  async pass(): Promise<number | undefined> {
    const { pool, bus, limits } = this.options;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [DISPATCH_LOCK]);
      const inFlight = await readInFlight(client);
      const free = limits.global - inFlight.total;
      if (free <= 0) {
        await client.query('COMMIT');
        return undefined;
      }
      const holds = await readHolds(client);
      const queued = await readQueued(client, free);
      const choice = chooseDispatch(queued.map((q) => q.job), inFlight, limits, holds, new Date().toISOString());
      const jobs = choice.dispatch.map((q) => queued.find((c) => c.job === q)!.payload);
      await Promise.all(jobs.map((job) => bus.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId })));
      if (jobs.length > 0) {
        const ids = jobs.map((j) => j.jobId);
        await client.query(`UPDATE scheduler.jobs SET dispatched_at = now() WHERE job_id = ANY($1)`, [ids]);
        await client.query(
          `UPDATE scheduler.timers SET due_at = now() + delay_ms * interval '1 millisecond' WHERE armed_by_job = ANY($1) AND due_at IS NULL`,
          [ids],
        );
      }
      await client.query('COMMIT');
      if (jobs.length > 0) this.options.onDispatched?.(jobs);
      // Held jobs may go when the earliest hold ends; anything else waits for a wake (a job queued, a slot freed).
      return choice.wakeAt === undefined ? undefined : Math.max(0, Date.parse(choice.wakeAt) - Date.now());
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

async function readInFlight(client: pg.PoolClient): Promise<InFlight> {
  const { rows } = await client.query<{ project_id: string; agent_kind: AgentKind | null; n: number }>(
    `SELECT project_id, agent_kind, count(*)::int AS n FROM scheduler.jobs
      WHERE dispatched_at IS NOT NULL AND finished_at IS NULL GROUP BY project_id, agent_kind`,
  );
  const byProject: Record<string, number> = {};
  const byAgent: Partial<Record<AgentKind, number>> = {};
  let total = 0;
  for (const row of rows) {
    total += row.n;
    byProject[row.project_id] = (byProject[row.project_id] ?? 0) + row.n;
    if (row.agent_kind !== null) byAgent[row.agent_kind] = (byAgent[row.agent_kind] ?? 0) + row.n;
  }
  return { total, byProject, byAgent };
}

async function readHolds(client: pg.PoolClient): Promise<AgentHolds> {
  const { rows } = await client.query<{ agent_kind: AgentKind; until: Date }>(`SELECT agent_kind, until FROM scheduler.holds WHERE until > now()`);
  return Object.fromEntries(rows.map((r) => [r.agent_kind, r.until.toISOString()]));
}

interface Candidate {
  readonly job: QueuedJob;
  readonly payload: Job;
}

/** The oldest queued jobs of every project, enough of each to fill the free slots past any held ones. */
async function readQueued(client: pg.PoolClient, free: number): Promise<Candidate[]> {
  const { rows } = await client.query<{ job_id: string; project_id: string; kind: Job['kind']; agent_kind: AgentKind | null; seq: string; job: Job }>(
    `SELECT job_id, project_id, kind, agent_kind, seq, job FROM (
       SELECT job_id, project_id, kind, agent_kind, seq, job, row_number() OVER (PARTITION BY project_id ORDER BY seq) AS rank
         FROM scheduler.jobs WHERE dispatched_at IS NULL AND finished_at IS NULL
     ) queued WHERE rank <= $1 ORDER BY rank, seq`,
    [free + 20],
  );
  return rows.map((r) => ({
    job: { jobId: r.job_id, projectId: r.project_id, kind: r.kind, seq: Number(r.seq), ...(r.agent_kind !== null && { agent: r.agent_kind }) },
    payload: r.job,
  }));
}
