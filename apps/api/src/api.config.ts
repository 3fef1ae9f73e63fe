import { hostname, homedir } from 'node:os';
import path from 'node:path';
import { databaseUrlSetting, hostSetting, integerSetting, loadConfig, natsNamespaceSetting, natsUrlSetting, portSetting } from '@orkestra/platform';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';

export const API_SERVICE = 'api';

/** The api's settings, each from its env var or the yaml file named by `ORK_API_CONFIG_FILE`. */
export const apiConfigSchema = z.strictObject({
  port: portSetting().default(4101).meta({ env: 'ORK_API_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_API_HOST' }),
  /** The event log and read models. Without it (and NATS) the api only answers /health. */
  databaseUrl: databaseUrlSetting().optional().meta({ env: 'ORK_API_DATABASE_URL' }),
  natsUrl: natsUrlSetting().optional().meta({ env: 'ORK_API_NATS_URL' }),
  natsNamespace: natsNamespaceSetting().default('').meta({ env: 'ORK_API_NATS_NAMESPACE' }),
  /** The api's own mirrors of project repositories, read when a Trak is created. */
  dataDir: z
    .string()
    .min(1)
    .default(() => path.join(homedir(), '.orkestra', 'api'))
    .meta({ env: 'ORK_API_DATA_DIR' }),
  /** This instance's name in logs and in Postgres' list of connections. */
  instance: z
    .string()
    .min(1)
    .default(() => `${hostname()}-${process.pid}`)
    .meta({ env: 'ORK_API_INSTANCE' }),
  /** How long a webhook receiver has to answer one delivery before it counts as failed. */
  webhookTimeoutSeconds: integerSetting({ min: 1, max: 300 }).default(10).meta({ env: 'ORK_API_WEBHOOK_TIMEOUT_SECONDS' }),
  /** The wait after a delivery's first failed attempt; it doubles after each further one. */
  webhookBackoffMs: integerSetting({ min: 1, max: 3_600_000 }).default(10_000).meta({ env: 'ORK_API_WEBHOOK_BACKOFF_MS' }),
  /** Attempts at one delivery (the first included) before it is marked failed. */
  webhookMaxAttempts: integerSetting({ min: 1, max: 30 }).default(8).meta({ env: 'ORK_API_WEBHOOK_MAX_ATTEMPTS' }),
});

export type ApiConfig = Config<typeof apiConfigSchema>;

/** Injection token for the frozen {@link ApiConfig}. */
export const API_CONFIG = Symbol('API_CONFIG');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_API_*` typos included). */
export const loadApiConfig = (env: Env, file?: string): ApiConfig =>
  loadConfig(apiConfigSchema, { env, file, envPrefix: 'ORK_API_' });
