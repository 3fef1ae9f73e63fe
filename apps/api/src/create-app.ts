import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@orkestra/platform';
import type { BootstrapOptions } from '@orkestra/platform';
import { ApiModule } from './app.module.js';
import type { ApiModuleOptions } from './app.module.js';
import { API_SERVICE } from './api.config.js';
import type { ApiConfig } from './api.config.js';

export type CreateApiOptions = Pick<BootstrapOptions, 'logger' | 'shutdownHooks'> & ApiModuleOptions;

/** Starts the api on `config.host:config.port`; used by `main.ts`, the tests and the embedded mode. */
export function createApp(config: ApiConfig, options: CreateApiOptions = {}): Promise<INestApplication> {
  return bootstrapApp(ApiModule.forRoot(config, options), {
    service: API_SERVICE,
    port: config.port,
    host: config.host,
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.shutdownHooks !== undefined && { shutdownHooks: options.shutdownHooks }),
  });
}
