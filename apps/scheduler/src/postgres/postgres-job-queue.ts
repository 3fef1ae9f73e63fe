import type { AgentKind, Job, Usage } from '@orkestra/domain';
import type { Queryable } from '@orkestra/event-store';
import type { JobDeadline, JobOutcome, JobQueue, RateLimitHolds, RunUsage, UsageLedger } from '../pipeline/ports.js';

/** The job queue in `scheduler.jobs`, on the pool or inside an input's transaction; the dispatcher reads the same table. */
export class PostgresJobQueue implements JobQueue {
  constructor(private readonly db: Queryable) {}

  async enqueue(job: Job, deadline?: JobDeadline, correlationId?: string): Promise<boolean> {
    const agent = job.kind === 'agent-run' ? job.stage.agent.kind : null;
    // One statement: the dispatcher never sees the job without its deadline.
    const { rows } = await this.db.query<{ queued: boolean }>(
      `WITH queued AS (
         INSERT INTO scheduler.jobs (job_id, trak_id, project_id, kind, agent_kind, job, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $11) ON CONFLICT (job_id) DO NOTHING RETURNING job_id
       ), deadline AS (
         INSERT INTO scheduler.timers (timer_id, trak_id, kind, timer, armed_by_job, delay_ms, correlation_id)
         SELECT $7, $2, $8, $9, job_id, $10, $11 FROM queued WHERE $7::text IS NOT NULL
         ON CONFLICT (timer_id) DO NOTHING
       )
       SELECT EXISTS (SELECT 1 FROM queued) AS queued`,
      [job.jobId, job.trakId, job.projectId, job.kind, agent, JSON.stringify(job), deadline?.timer.id ?? null, deadline?.timer.kind ?? null, deadline === undefined ? null : JSON.stringify(deadline.timer), deadline?.delayMs ?? null, correlationId ?? null],
    );
    return rows[0]?.queued === true;
  }

  async started(jobId: string, runnerId: string): Promise<void> {
    await this.db.query(`UPDATE scheduler.jobs SET runner_id = $2, started_at = now() WHERE job_id = $1 AND finished_at IS NULL`, [jobId, runnerId]);
  }

  async finish(jobId: string, outcome: JobOutcome): Promise<void> {
    await this.db.query(
      // The job's row is locked before its deadline's, the order a dispatch pass takes them in: two
      // statements that lock both in opposite orders can deadlock.
      `WITH ended AS (UPDATE scheduler.jobs SET finished_at = now(), outcome = $2 WHERE job_id = $1 AND finished_at IS NULL RETURNING job_id)
       DELETE FROM scheduler.timers WHERE armed_by_job IN (SELECT job_id FROM ended)`,
      [jobId, outcome],
    );
  }

  async finishTrak(trakId: string, outcome: JobOutcome): Promise<string[]> {
    const { rows } = await this.db.query<{ job_id: string; out: boolean }>(
      `UPDATE scheduler.jobs SET finished_at = now(), outcome = $2 WHERE trak_id = $1 AND finished_at IS NULL
       RETURNING job_id, dispatched_at IS NOT NULL AS out`,
      [trakId, outcome],
    );
    return rows.filter((r) => r.out).map((r) => r.job_id);
  }

  async agentOf(jobId: string): Promise<AgentKind | undefined> {
    const { rows } = await this.db.query<{ agent_kind: AgentKind | null }>(`SELECT agent_kind FROM scheduler.jobs WHERE job_id = $1`, [jobId]);
    return rows[0]?.agent_kind ?? undefined;
  }
}

/** Rate-limit holds in `scheduler.holds`; a later reset time wins. */
export class PostgresRateLimitHolds implements RateLimitHolds {
  constructor(private readonly db: Queryable) {}

  async hold(agent: AgentKind, until: string, reason: string): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler.holds (agent_kind, until, reason) VALUES ($1, $2, $3)
       ON CONFLICT (agent_kind) DO UPDATE SET until = GREATEST(scheduler.holds.until, excluded.until), reason = excluded.reason`,
      [agent, until, reason],
    );
  }
}

/** Usage per agent run in `scheduler.usage`. */
export class PostgresUsageLedger implements UsageLedger {
  constructor(private readonly db: Queryable) {}

  async record(run: RunUsage): Promise<void> {
    const { inputTokens, outputTokens, costUsd } = run.usage;
    await this.db.query(
      `INSERT INTO scheduler.usage (run_id, trak_id, project_id, tokens, cost_usd, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id) DO NOTHING`,
      [run.runId, run.trakId, run.projectId, inputTokens + outputTokens, costUsd, run.at],
    );
  }

  async projectTotal(projectId: string): Promise<Usage> {
    const { rows } = await this.db.query<{ tokens: string; cost: string }>(
      `SELECT coalesce(sum(tokens), 0) AS tokens, coalesce(sum(cost_usd), 0) AS cost FROM scheduler.usage WHERE project_id = $1`,
      [projectId],
    );
    // Tokens are kept as one sum; the budget check adds input and output anyway.
    return { inputTokens: Number(rows[0]?.tokens ?? 0), outputTokens: 0, costUsd: Number(rows[0]?.cost ?? 0) };
  }
}
