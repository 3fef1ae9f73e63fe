import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { Bus } from '@orkestra/application';
import { APP_LOGGER, HealthModule } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { API_CONFIG, API_SERVICE } from './api.config.js';
import type { ApiConfig } from './api.config.js';
import { API_RESOLVERS, API_SERVICES } from './api.resolvers.js';
import { Authenticator } from './auth/authenticator.js';
import { ApiBus } from './shell/api-bus.js';
import { ApiContextFactory } from './shell/api-context.factory.js';
import { ApiErrorFilter } from './shell/api-error.filter.js';
import { ADMIN_TOKEN_NOTICE, ApiLifecycle } from './shell/api-lifecycle.js';
import type { AdminTokenNotice } from './shell/api-lifecycle.js';

export interface ApiModuleOptions {
  /** Receives the first admin token of a fresh installation instead of the log (tests, `ork up`). */
  readonly onAdminToken?: AdminTokenNotice;
  /**
   * A bus the hosting process owns and shares with other apps (`ork up`): used instead of
   * connecting to `natsUrl`, and never closed by the api.
   */
  readonly bus?: Bus;
}
import { ApiStores } from './shell/api-stores.js';
import { ReadModels } from './shell/read-models.service.js';
import { graphqlOptions } from './shell/graphql-options.js';

/** The stores, the bus and authentication, shared by the GraphQL layer and the slices. */
@Module({})
class ApiCoreModule {
  static forRoot(config: ApiConfig & { databaseUrl: string }, bus: Bus | undefined): DynamicModule {
    return {
      module: ApiCoreModule,
      global: true,
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: ApiStores, useFactory: () => ApiStores.open(config.databaseUrl, config.instance) },
        { provide: ApiBus, useFactory: (logger: AppLogger) => ApiBus.open(config.natsUrl, config.natsNamespace, config.instance, logger, bus), inject: [APP_LOGGER] },
        { provide: Authenticator, useFactory: (stores: ApiStores) => new Authenticator(stores.pool), inject: [ApiStores] },
        ApiContextFactory,
        ReadModels,
      ],
      exports: [API_CONFIG, ApiStores, ApiBus, Authenticator, ApiContextFactory, ReadModels],
    };
  }
}

/**
 * The api: GraphQL queries, mutations and subscriptions over the event log and its read models,
 * with `/health` and `/ready`. Without a database it only answers `/health`.
 */
@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig, options: ApiModuleOptions = {}): DynamicModule {
    const health = HealthModule.forRoot({ service: API_SERVICE });
    const { databaseUrl } = config;
    if (databaseUrl === undefined) {
      return { module: ApiModule, imports: [health], providers: [{ provide: API_CONFIG, useValue: config }], exports: [API_CONFIG] };
    }
    return {
      module: ApiModule,
      imports: [
        health,
        ApiCoreModule.forRoot({ ...config, databaseUrl }, options.bus),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [ApiContextFactory],
          useFactory: (contexts: ApiContextFactory) => graphqlOptions(contexts),
        }),
      ],
      providers: [
        ...API_RESOLVERS,
        ...API_SERVICES,
        ApiLifecycle,
        { provide: ADMIN_TOKEN_NOTICE, useValue: options.onAdminToken },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
    };
  }
}
