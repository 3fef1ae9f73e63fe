import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Bus } from '@orkestra/application';
import { HealthModule } from '@orkestra/platform';
import { MetricsController } from './metrics/metrics.controller.js';
import { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import { SCHEDULER_BUS, SCHEDULER_CONFIG, SCHEDULER_SERVICE } from './scheduler.config.js';
import type { SchedulerConfig } from './scheduler.config.js';
import type { RecoveryReport } from './recovery/fresh-bus-recovery.js';
import { SchedulerLifecycle } from './service/scheduler-lifecycle.js';

export interface SchedulerModuleOptions {
  /**
   * A bus the hosting process owns and shares with other apps (`ork up`): used instead of
   * connecting to `natsUrl`, and never closed by the scheduler.
   */
  readonly bus?: Bus;
  /**
   * The bus holds nothing of what this installation sent before: an in-process bus is new with
   * each process. The scheduler then sends again the jobs it had out and runs the pipeline again
   * over the Traks still going, since their events and results on the old bus are gone.
   */
  readonly freshBus?: boolean;
  /** Told what the recovery from a fresh bus did, once it has (`ork up` says how many Traks it resumed). */
  readonly onRecovered?: (report: RecoveryReport) => void;
}

/** How the scheduler reaches its bus, as the lifecycle sees it. */
export type SchedulerBusOption = Required<Pick<SchedulerModuleOptions, 'freshBus'>> & Pick<SchedulerModuleOptions, 'bus' | 'onRecovered'>;

/**
 * The scheduler: the outbox relay, the pipeline process manager, job dispatch within the
 * concurrency limits, durable timers and the runner watch; `/health`, `/ready` and `/metrics`.
 */
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig, options: SchedulerModuleOptions = {}): DynamicModule {
    const bus: SchedulerBusOption = {
      freshBus: options.freshBus ?? false,
      ...(options.bus !== undefined && { bus: options.bus }),
      ...(options.onRecovered !== undefined && { onRecovered: options.onRecovered }),
    };
    return {
      module: SchedulerModule,
      imports: [HealthModule.forRoot({ service: SCHEDULER_SERVICE })],
      controllers: [MetricsController],
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, { provide: SCHEDULER_BUS, useValue: bus }, SchedulerMetrics, SchedulerLifecycle],
      exports: [SCHEDULER_CONFIG],
    };
  }
}
