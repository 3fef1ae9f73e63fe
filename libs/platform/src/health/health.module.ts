import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HEALTH_OPTIONS } from './health.options.js';
import type { HealthOptions } from './health.options.js';
import { ReadinessChecks } from './readiness-checks.service.js';

/** `GET /health` (liveness) and `GET /ready` (readiness checks). Global, so any module can register a check. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }, ReadinessChecks],
      exports: [ReadinessChecks],
    };
  }
}
