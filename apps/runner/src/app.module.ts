import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthModule } from '@orkestra/platform';
import { RUNNER_CONFIG, RUNNER_SERVICE } from './runner.config.js';
import type { RunnerConfig } from './runner.config.js';
import { RunnerLifecycle } from './service/runner-lifecycle.js';

/** The runner: runs agents, gates and integrations in git worktrees for the jobs it takes from NATS. */
@Module({})
export class RunnerModule {
  static forRoot(config: RunnerConfig): DynamicModule {
    return {
      module: RunnerModule,
      imports: [HealthModule.forRoot({ service: RUNNER_SERVICE })],
      providers: [{ provide: RUNNER_CONFIG, useValue: config }, RunnerLifecycle],
      exports: [RUNNER_CONFIG],
    };
  }
}
