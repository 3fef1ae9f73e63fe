import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Bus } from '@orkestra/application';
import { busFailuresLoggedTo, connectBus } from '@orkestra/bus';
import { migrate } from '@orkestra/event-store';
import { APP_LOGGER, ReadinessChecks, logWith } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import pg from 'pg';
import { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import type { SchedulerBusOption } from '../app.module.js';
import { SCHEDULER_BUS, SCHEDULER_CONFIG, concurrencyLimits } from '../scheduler.config.js';
import type { SchedulerConfig } from '../scheduler.config.js';
import { SchedulerService } from './scheduler-service.js';

/** Starts the scheduler's work when it has a database and NATS, and stops it cleanly on shutdown. */
@Injectable()
export class SchedulerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private pool: pg.Pool | undefined;
  private bus: Bus | undefined;
  /** The bus this lifecycle connected itself, and so closes; a shared one is its host's to close. */
  private ownBus: Bus | undefined;
  private service: SchedulerService | undefined;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(SCHEDULER_BUS) private readonly shared: SchedulerBusOption,
    private readonly readiness: ReadinessChecks,
    private readonly metrics: SchedulerMetrics,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, shared } = this;
    const { natsUrl } = config;
    if (config.databaseUrl === undefined || (natsUrl === undefined && shared.bus === undefined)) {
      this.logger.warn('No database or NATS URL (ORK_SCHEDULER_DATABASE_URL, ORK_SCHEDULER_NATS_URL): this scheduler does no work');
      return;
    }
    const applied = await migrate(config.databaseUrl);
    if (applied.length > 0) this.logger.info({ applied }, 'database migrated');
    const pool = new pg.Pool({ connectionString: config.databaseUrl, application_name: `ork-scheduler-${config.instance}`, max: config.concurrency + 6 });
    this.pool = pool;
    const bus =
      shared.bus ??
      (this.ownBus = await connectBus({
        servers: natsUrl!,
        name: `ork-scheduler-${config.instance}`,
        namespace: config.natsNamespace,
        ...busFailuresLoggedTo(logWith(this.logger, 'warn')),
      }));
    this.bus = bus;
    this.readiness.register('postgres', async () => {
      await pool.query('SELECT 1');
    });
    // A bus its host hands in (ork up's in-process one) is no NATS connection: checked as "bus".
    const [check, down] = shared.bus === undefined ? ['nats', 'not connected to NATS'] : ['bus', 'the bus is closed'];
    this.readiness.register(check, () => {
      if (this.bus === undefined) throw new Error(down);
    });
    this.metrics.attach(pool);
    this.service = new SchedulerService({
      pool,
      databaseUrl: config.databaseUrl,
      bus,
      freshBus: shared.freshBus,
      limits: concurrencyLimits(config),
      projectBudgets: config.projectBudgets,
      instance: config.instance,
      runnerLostMs: config.runnerLostSeconds * 1000,
      concurrency: config.concurrency,
      log: logWith(this.logger),
      observe: {
        resultRecorded: (trakId) => this.metrics.handoffStarted(trakId),
        dispatched: (jobs) => this.metrics.dispatched(jobs),
        malformed: (consumer) => this.metrics.malformed(consumer),
      },
    });
    await this.service.start();
    if (this.service.recovered !== undefined) shared.onRecovered?.(this.service.recovered);
    this.logger.info({ instance: config.instance, limits: concurrencyLimits(config) }, 'scheduler started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.service?.stop();
    this.service = undefined;
    const bus = this.ownBus;
    this.bus = undefined;
    this.ownBus = undefined;
    await bus?.close();
    await this.pool?.end();
    this.pool = undefined;
  }
}
