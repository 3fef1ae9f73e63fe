import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { ReadinessChecks } from '@orkestra/platform';
import { UserTokens } from '../users/user-tokens.service.js';
import { bootstrapAdmin } from '../users/bootstrap-admin.js';
import { ApiBus } from './api-bus.js';
import { ApiStores } from './api-stores.js';
import { ReadModels } from './read-models.service.js';
import { LogKeeper } from '../logs/log-keeper.service.js';

/** Where the first admin token goes when a fresh installation creates it (default: the log, once). */
export const ADMIN_TOKEN_NOTICE = Symbol('ADMIN_TOKEN_NOTICE');
export type AdminTokenNotice = (token: string) => void;

/** Keeps the api's read models following the log, and closes the stores on shutdown. */
@Injectable()
export class ApiLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('api');

  constructor(
    private readonly stores: ApiStores,
    private readonly bus: ApiBus,
    private readonly readiness: ReadinessChecks,
    private readonly readModels: ReadModels,
    private readonly logs: LogKeeper,
    private readonly tokens: UserTokens,
    @Inject(ADMIN_TOKEN_NOTICE) private readonly notice: AdminTokenNotice | undefined,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { pool } = this.stores;
    this.readiness.register('postgres', async () => {
      await pool.query('SELECT 1');
    });
    await this.readModels.runner.start();
    await this.logs.start();
    const token = await bootstrapAdmin(this.stores, this.tokens);
    if (token === undefined) return;
    if (this.notice !== undefined) this.notice(token);
    else this.logger.warn({ msg: `First start: the instance admin "admin" can sign in with this API token, shown only this once: ${token}` });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.logs.stop();
    await this.readModels.runner.stop();
    await this.bus.close();
    await this.stores.close();
  }
}
