import { Injectable } from '@nestjs/common';
import type { Job } from '@orkestra/domain';
import type pg from 'pg';
import type { MalformedConsumer } from '../service/scheduler-service.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Shown at 0 from the start, so a rate over them works before the first refusal. */
const MALFORMED_CONSUMERS = ['scheduler-events', 'scheduler-results', 'runner-registry'] as const satisfies readonly MalformedConsumer[];

/** Hand-offs waiting for their next job; older ones (a stage that waits for a person) are dropped. */
const OPEN_HANDOFFS = 10_000;

/**
 * The scheduler's Prometheus metrics. Queue, timer and Trak counts are read from Postgres when
 * scraped, so every instance reports the same truth; the hand-off latency is measured by the
 * instance that recorded the result and dispatched the next job.
 */
@Injectable()
export class SchedulerMetrics {
  readonly registry = new Registry();
  private pool: pg.Pool | undefined;
  private readonly handoffs = new Map<string, bigint>();
  private readonly handoff: Histogram;
  private readonly malformedMessages: Counter;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ork_scheduler_' });
    this.handoff = new Histogram({
      name: 'ork_scheduler_handoff_seconds',
      help: 'From a runner result recorded for a Trak to the next job of that Trak sent to the runners',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.malformedMessages = new Counter({
      name: 'ork_malformed_messages_total',
      help: 'Messages refused because they did not match their contract (dropped for good, logged with the reason), by consumer',
      labelNames: ['consumer'],
      registers: [this.registry],
    });
    for (const consumer of MALFORMED_CONSUMERS) this.malformedMessages.inc({ consumer }, 0);
    const rows = <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => this.rows<T>(sql);
    new Gauge({
      name: 'ork_scheduler_jobs',
      help: 'Jobs by state (queued: waiting for a limit; waiting_for_runner: no live runner has the labels it needs; out: sent to the runners, not finished) and kind',
      labelNames: ['state', 'kind'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await rows<{ state: string; kind: string; n: number }>(
          `SELECT CASE WHEN dispatched_at IS NOT NULL THEN 'out' WHEN runner_wait_at IS NOT NULL THEN 'waiting_for_runner' ELSE 'queued' END AS state, kind, count(*)::int AS n
             FROM scheduler.jobs WHERE finished_at IS NULL GROUP BY 1, 2`,
        )) {
          this.set({ state: row.state, kind: row.kind }, row.n);
        }
      },
    });
    new Gauge({
      name: 'ork_scheduler_timers_pending',
      help: 'Stored timers not fired yet (deadlines of queued jobs included)',
      registers: [this.registry],
      async collect() {
        const [row] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM scheduler.timers`);
        this.set(row?.n ?? 0);
      },
    });
    new Gauge({
      name: 'ork_project_cost_usd',
      help: 'Cost of every agent run of the project so far, as the runners reported it',
      labelNames: ['project'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await rows<{ project_id: string; cost: number }>(`SELECT project_id, sum(cost_usd)::float8 AS cost FROM scheduler.usage GROUP BY project_id`)) {
          this.set({ project: row.project_id }, row.cost);
        }
      },
    });
    new Gauge({
      name: 'ork_project_tokens',
      help: 'Tokens of every agent run of the project so far',
      labelNames: ['project'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await rows<{ project_id: string; tokens: number }>(`SELECT project_id, sum(tokens)::float8 AS tokens FROM scheduler.usage GROUP BY project_id`)) {
          this.set({ project: row.project_id }, row.tokens);
        }
      },
    });
    new Gauge({
      name: 'ork_traks',
      help: 'Traks by status, from the read model',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await rows<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM read.traks GROUP BY status`)) {
          this.set({ status: row.status }, row.n);
        }
      },
    });
  }

  /** Counts come from this database once the scheduler has one. */
  attach(pool: pg.Pool): void {
    this.pool = pool;
  }

  handoffStarted(trakId: string): void {
    this.handoffs.delete(trakId);
    this.handoffs.set(trakId, process.hrtime.bigint());
    if (this.handoffs.size > OPEN_HANDOFFS) this.handoffs.delete(this.handoffs.keys().next().value!);
  }

  malformed(consumer: string): void {
    this.malformedMessages.inc({ consumer });
  }

  dispatched(jobs: readonly Job[]): void {
    const now = process.hrtime.bigint();
    for (const job of jobs) {
      const started = this.handoffs.get(job.trakId);
      if (started === undefined) continue;
      this.handoffs.delete(job.trakId);
      this.handoff.observe(Number(now - started) / 1e9);
    }
  }

  private async rows<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    if (this.pool === undefined) return [];
    return (await this.pool.query<T>(sql)).rows;
  }
}
