import { hostSetting, loadConfig, portSetting } from '@orkestra/platform';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';

export const SCHEDULER_SERVICE = 'scheduler';

/** The scheduler's settings, each from its env var or the yaml file named by `ORK_SCHEDULER_CONFIG_FILE`. */
export const schedulerConfigSchema = z.strictObject({
  port: portSetting().default(4102).meta({ env: 'ORK_SCHEDULER_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_SCHEDULER_HOST' }),
});

export type SchedulerConfig = Config<typeof schedulerConfigSchema>;

/** Injection token for the frozen {@link SchedulerConfig}. */
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_SCHEDULER_*` typos included). */
export const loadSchedulerConfig = (env: Env, file?: string): SchedulerConfig =>
  loadConfig(schedulerConfigSchema, { env, file, envPrefix: 'ORK_SCHEDULER_' });
