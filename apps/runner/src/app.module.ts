import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Bus } from '@orkestra/application';
import { HealthModule } from '@orkestra/platform';
import { RUNNER_BUS, RUNNER_CONFIG, RUNNER_SERVICE } from './runner.config.js';
import type { RunnerConfig } from './runner.config.js';
import { RunnerLifecycle } from './service/runner-lifecycle.js';

export interface RunnerModuleOptions {
  /**
   * A bus the hosting process owns and shares with other apps (`ork up`): used instead of
   * connecting to `natsUrl`, and never closed by the runner.
   */
  readonly bus?: Bus;
}

/** The runner: runs agents, gates and integrations in git worktrees for the jobs it takes from NATS. */
@Module({})
export class RunnerModule {
  static forRoot(config: RunnerConfig, options: RunnerModuleOptions = {}): DynamicModule {
    return {
      module: RunnerModule,
      imports: [HealthModule.forRoot({ service: RUNNER_SERVICE })],
      providers: [{ provide: RUNNER_CONFIG, useValue: config }, { provide: RUNNER_BUS, useValue: { bus: options.bus } }, RunnerLifecycle],
      exports: [RUNNER_CONFIG],
    };
  }
}
