import type { INestApplication } from '@nestjs/common';
import { bootstrapApp } from '@orkestra/platform';
import type { BootstrapOptions } from '@orkestra/platform';
import { GatewayModule } from './app.module.js';
import { GATEWAY_SERVICE } from './gateway.config.js';
import type { GatewayConfig } from './gateway.config.js';

export type CreateGatewayOptions = Pick<BootstrapOptions, 'logger' | 'shutdownHooks'>;

/** Starts the gateway on `config.host:config.port`; used by `main.ts`, the tests and the embedded mode. */
export function createApp(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<INestApplication> {
  return bootstrapApp(GatewayModule.forRoot(config), { service: GATEWAY_SERVICE, port: config.port, host: config.host, ...options });
}
