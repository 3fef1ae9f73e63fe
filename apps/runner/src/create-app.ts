import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@orkestra/platform';
import type { BootstrapOptions } from '@orkestra/platform';
import { RunnerModule } from './app.module.js';
import type { RunnerModuleOptions } from './app.module.js';
import { RUNNER_SERVICE } from './runner.config.js';
import type { RunnerConfig } from './runner.config.js';

export type CreateRunnerOptions = Pick<BootstrapOptions, 'logger' | 'shutdownHooks'> & RunnerModuleOptions;

/** Starts the runner on `config.host:config.port`; used by `main.ts`, the tests and the embedded mode. */
export function createApp(config: RunnerConfig, options: CreateRunnerOptions = {}): Promise<INestApplication> {
  const { logger, shutdownHooks, ...module } = options;
  return bootstrapApp(RunnerModule.forRoot(config, module), { service: RUNNER_SERVICE, port: config.port, host: config.host, logger, shutdownHooks });
}
