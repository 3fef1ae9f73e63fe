import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthModule } from '@orkestra/platform';
import { RUNNER_CONFIG, RUNNER_SERVICE } from './runner.config.js';
import type { RunnerConfig } from './runner.config.js';

/**
 * The runner: runs agents and gates in git worktrees for the jobs it takes from NATS.
 * For now a shell that only answers `/health` and `/ready`; its real work arrives in later issues.
 */
@Module({})
export class RunnerModule {
  static forRoot(config: RunnerConfig): DynamicModule {
    return {
      module: RunnerModule,
      imports: [HealthModule.forRoot({ service: RUNNER_SERVICE })],
      providers: [{ provide: RUNNER_CONFIG, useValue: config }],
      exports: [RUNNER_CONFIG],
    };
  }
}
