import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '@orkestra/event-store';
import { ReadinessChecks } from '@orkestra/platform';
import { ProjectsProjection, TraksProjection, UsersProjection } from '@orkestra/read-models';
import { API_CONFIG } from '../api.config.js';
import type { ApiConfig } from '../api.config.js';
import { UserTokens } from '../users/user-tokens.service.js';
import { bootstrapAdmin } from '../users/bootstrap-admin.js';
import { ApiBus } from './api-bus.js';
import { ApiStores } from './api-stores.js';

/** Where the first admin token goes when a fresh installation creates it (default: the log, once). */
export const ADMIN_TOKEN_NOTICE = Symbol('ADMIN_TOKEN_NOTICE');
export type AdminTokenNotice = (token: string) => void;

/** Keeps the api's read models following the log, and closes the stores on shutdown. */
@Injectable()
export class ApiLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('api');
  private projections: ProjectionRunner | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly stores: ApiStores,
    private readonly bus: ApiBus,
    private readonly readiness: ReadinessChecks,
    private readonly tokens: UserTokens,
    @Inject(ADMIN_TOKEN_NOTICE) private readonly notice: AdminTokenNotice | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { pool } = this.stores;
    this.readiness.register('postgres', async () => {
      await pool.query('SELECT 1');
    });
    this.projections = new ProjectionRunner({
      pool,
      databaseUrl: this.config.databaseUrl!,
      projections: [new TraksProjection(), new ProjectsProjection(), new UsersProjection()],
      onError: (error, projection) => this.logger.warn({ msg: 'a projection batch failed; it will be retried', projection, error: String(error) }),
    });
    await this.projections.start();
    const token = await bootstrapAdmin(this.stores, this.tokens);
    if (token === undefined) return;
    if (this.notice !== undefined) this.notice(token);
    else this.logger.warn({ msg: `First start: the instance admin "admin" can sign in with this API token, shown only this once: ${token}` });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.projections?.stop();
    await this.bus.close();
    await this.stores.close();
  }
}
