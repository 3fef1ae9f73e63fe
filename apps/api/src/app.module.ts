import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { HealthModule } from '@orkestra/platform';
import { API_CONFIG, API_SERVICE } from './api.config.js';
import type { ApiConfig } from './api.config.js';

/**
 * The api: GraphQL queries, review mutations and subscriptions over the read models.
 * For now a shell that only answers `/health` and `/ready`; its real work arrives in later issues.
 */
@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [HealthModule.forRoot({ service: API_SERVICE })],
      providers: [{ provide: API_CONFIG, useValue: config }],
      exports: [API_CONFIG],
    };
  }
}
