import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthModule } from '@orkestra/platform';
import { GATEWAY_CONFIG, GATEWAY_SERVICE } from './gateway.config.js';
import type { GatewayConfig } from './gateway.config.js';

/**
 * The gateway: the public HTTP edge (web UI, /graphql forwarding to api, forge webhooks).
 * For now a shell that only answers `/health` and `/ready`; its real work arrives in later issues.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule.forRoot({ service: GATEWAY_SERVICE })],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
