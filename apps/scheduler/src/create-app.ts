import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@orkestra/platform';
import type { BootstrapOptions } from '@orkestra/platform';
import { SchedulerModule } from './app.module.js';
import type { SchedulerModuleOptions } from './app.module.js';
import { SCHEDULER_SERVICE } from './scheduler.config.js';
import type { SchedulerConfig } from './scheduler.config.js';

export type CreateSchedulerOptions = Pick<BootstrapOptions, 'logger' | 'shutdownHooks'> & SchedulerModuleOptions;

/** Starts the scheduler on `config.host:config.port`; used by `main.ts`, the tests and the embedded mode. */
export function createApp(config: SchedulerConfig, options: CreateSchedulerOptions = {}): Promise<INestApplication> {
  const { logger, shutdownHooks, ...module } = options;
  return bootstrapApp(SchedulerModule.forRoot(config, module), { service: SCHEDULER_SERVICE, port: config.port, host: config.host, logger, shutdownHooks });
}
