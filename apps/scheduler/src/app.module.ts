import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthModule } from '@orkestra/platform';
import { SCHEDULER_CONFIG, SCHEDULER_SERVICE } from './scheduler.config.js';
import type { SchedulerConfig } from './scheduler.config.js';

/**
 * The scheduler: the pipeline process manager, durable timers, limits and the outbox relay.
 * For now a shell that only answers `/health` and `/ready`; its real work arrives in later issues.
 */
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [HealthModule.forRoot({ service: SCHEDULER_SERVICE })],
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }],
      exports: [SCHEDULER_CONFIG],
    };
  }
}
