import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthModule } from '@orkestra/platform';
import { MetricsController } from './metrics/metrics.controller.js';
import { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import { SCHEDULER_CONFIG, SCHEDULER_SERVICE } from './scheduler.config.js';
import type { SchedulerConfig } from './scheduler.config.js';
import { SchedulerLifecycle } from './service/scheduler-lifecycle.js';

/**
 * The scheduler: the outbox relay, the pipeline process manager, job dispatch within the
 * concurrency limits, durable timers and the runner watch; `/health`, `/ready` and `/metrics`.
 */
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [HealthModule.forRoot({ service: SCHEDULER_SERVICE })],
      controllers: [MetricsController],
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, SchedulerMetrics, SchedulerLifecycle],
      exports: [SCHEDULER_CONFIG],
    };
  }
}
