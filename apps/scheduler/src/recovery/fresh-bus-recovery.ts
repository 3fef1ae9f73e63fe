import { trakStreamId } from '@orkestra/application';
import type { TrakCommands } from '@orkestra/application';
import { TRAK_END_EVENTS, sendLostJobAgain, traksToReplay } from '@orkestra/domain';
import type { TrakState } from '@orkestra/domain';
import type pg from 'pg';
import type { PipelineProcessor } from '../pipeline/pipeline-processor.js';
import { PostgresJobQueue } from '../postgres/postgres-job-queue.js';

export interface FreshBusRecoveryOptions {
  readonly pool: pg.Pool;
  readonly traks: Pick<TrakCommands, 'read'>;
  readonly processor: Pick<PipelineProcessor, 'replay'>;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** What a recovery did. */
export interface RecoveryReport {
  /** Jobs that were out on the lost bus and go out again. */
  readonly jobsSentAgain: number;
  /** Jobs that were out on the lost bus for a Trak that has moved on since: over. */
  readonly jobsStale: number;
  /** Traks whose events the pipeline went over again. */
  readonly traksReplayed: number;
  /** Traks whose replay failed (logged); they move again on their next event, timer or a person's command. */
  readonly traksFailed: number;
}

/**
 * Recovers what a bus that starts empty lost (an in-process bus dies with its process; see
 * `SchedulerServiceOptions.freshBus`), before the scheduler takes any message or sends any job:
 *
 * - jobs marked sent and not finished were on the old bus: sent again while they are still their
 *   Trak's current job (their deadline counts from the new dispatch), else ended as stale;
 * - events the relay had published to the old bus and results runners had sent to it, not
 *   handled yet, are gone: the pipeline runs again over every event of the Traks still going (and
 *   of those their pipeline talks to, see `traksToReplay`), which is idempotent where it ran.
 *
 * Results lost with the bus are not replayed (no copy exists): their jobs run again instead.
 */
export class FreshBusRecovery {
  constructor(private readonly options: FreshBusRecoveryOptions) {}

  async run(): Promise<RecoveryReport> {
    const states = new Map<string, Promise<TrakState>>();
    const stateOf = (trakId: string): Promise<TrakState> => {
      let state = states.get(trakId);
      if (state === undefined) states.set(trakId, (state = this.options.traks.read(trakId).then((read) => read.state)));
      return state;
    };
    const jobs = await this.recoverJobs(stateOf);
    const replayed = await this.replayTraks(stateOf);
    const report = { ...jobs, ...replayed };
    this.options.log?.('recovered from a fresh bus', { ...report });
    return report;
  }

  private async recoverJobs(stateOf: (trakId: string) => Promise<TrakState>): Promise<Pick<RecoveryReport, 'jobsSentAgain' | 'jobsStale'>> {
    const { pool } = this.options;
    const { rows } = await pool.query<{ job_id: string; trak_id: string }>(
      `SELECT job_id, trak_id FROM scheduler.jobs WHERE dispatched_at IS NOT NULL AND finished_at IS NULL ORDER BY seq`,
    );
    const again: string[] = [];
    const stale: string[] = [];
    for (const row of rows) (sendLostJobAgain(row.job_id, await stateOf(row.trak_id)) ? again : stale).push(row.job_id);
    // Queued again as never sent: no runner has it, and its deadline starts again when it goes out.
    await pool.query(
      `WITH again AS (
         UPDATE scheduler.jobs SET dispatched_at = NULL, runner_id = NULL, started_at = NULL
          WHERE job_id = ANY($1::text[]) AND finished_at IS NULL RETURNING job_id)
       UPDATE scheduler.timers SET due_at = NULL WHERE armed_by_job IN (SELECT job_id FROM again)`,
      [again],
    );
    const queue = new PostgresJobQueue(pool);
    for (const jobId of stale) await queue.finish(jobId, 'stale');
    return { jobsSentAgain: again.length, jobsStale: stale.length };
  }

  private async replayTraks(stateOf: (trakId: string) => Promise<TrakState>): Promise<Pick<RecoveryReport, 'traksReplayed' | 'traksFailed'>> {
    const { pool, processor } = this.options;
    // Traks still going (no end event in their stream), and ended ones with a job not finished (their end frees it).
    const { rows } = await pool.query<{ trak_id: string }>(
      `SELECT substr(s.stream_id, length($1) + 1) AS trak_id FROM streams s
        WHERE s.stream_id LIKE $1 || '%'
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.stream_id = s.stream_id AND m.type = ANY($2::text[]))
       UNION
       SELECT DISTINCT trak_id FROM scheduler.jobs WHERE finished_at IS NULL`,
      [trakStreamId(''), [...TRAK_END_EVENTS]],
    );
    const toReplay = new Set<string>();
    for (const { trak_id: trakId } of rows) for (const id of traksToReplay(await stateOf(trakId))) toReplay.add(id);
    let failed = 0;
    for (const trakId of toReplay) {
      try {
        await processor.replay(trakId);
      } catch (error) {
        failed++;
        this.options.log?.('replaying a Trak after a fresh bus failed; it moves again on its next event, timer or command', {
          trakId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return { traksReplayed: toReplay.size - failed, traksFailed: failed };
  }
}
