import { hostSetting, loadConfig, portSetting } from '@orkestra/platform';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';

export const API_SERVICE = 'api';

/** The api's settings, each from its env var or the yaml file named by `ORK_API_CONFIG_FILE`. */
export const apiConfigSchema = z.strictObject({
  port: portSetting().default(4101).meta({ env: 'ORK_API_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_API_HOST' }),
});

export type ApiConfig = Config<typeof apiConfigSchema>;

/** Injection token for the frozen {@link ApiConfig}. */
export const API_CONFIG = Symbol('API_CONFIG');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_API_*` typos included). */
export const loadApiConfig = (env: Env, file?: string): ApiConfig =>
  loadConfig(apiConfigSchema, { env, file, envPrefix: 'ORK_API_' });
