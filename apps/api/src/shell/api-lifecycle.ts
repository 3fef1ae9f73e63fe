import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { APP_LOGGER, ReadinessChecks } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { UserTokens } from '../users/user-tokens.service.js';
import { bootstrapAdmin } from '../users/bootstrap-admin.js';
import { API_CONFIG } from '../api.config.js';
import type { ApiConfig } from '../api.config.js';
import { ApiBus } from './api-bus.js';
import { ApiStores } from './api-stores.js';
import { ReadModels } from './read-models.service.js';
import { LogKeeper } from '../logs/log-keeper.service.js';

/** The file under the api's data dir that receives the first admin token of a fresh installation. */
export const FIRST_ADMIN_TOKEN_FILE = 'first-admin-token';

/** Where the first admin token goes when a fresh installation creates it (default: {@link FIRST_ADMIN_TOKEN_FILE}). */
export const ADMIN_TOKEN_NOTICE = Symbol('ADMIN_TOKEN_NOTICE');
export type AdminTokenNotice = (token: string) => void;

/** Keeps the api's read models following the log, and closes the stores on shutdown. */
@Injectable()
export class ApiLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly stores: ApiStores,
    private readonly bus: ApiBus,
    private readonly readiness: ReadinessChecks,
    private readonly readModels: ReadModels,
    private readonly logs: LogKeeper,
    private readonly tokens: UserTokens,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ADMIN_TOKEN_NOTICE) private readonly notice: AdminTokenNotice | undefined,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
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
    if (this.notice !== undefined) return this.notice(token);
    // Secrets stay out of logs: the token goes to a file only this user can read, and the log says where.
    const file = path.join(this.config.dataDir, FIRST_ADMIN_TOKEN_FILE);
    await mkdir(this.config.dataDir, { recursive: true });
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    this.logger.warn({ file }, `First start: the instance admin "admin" signs in with the API token in ${file} (readable by this user only); store it somewhere safe, then delete the file`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.logs.stop();
    await this.readModels.runner.stop();
    await this.bus.close();
    await this.stores.close();
  }
}
