import { hostname } from 'node:os';
import { hostSetting, integerSetting, loadConfig, portSetting } from '@orkestra/platform';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';
import { runnerNameFromHostname, runnerNameSetting } from './runner-name.js';

export const RUNNER_SERVICE = 'runner';

/** The runner's settings, each from its env var or the yaml file named by `ORK_RUNNER_CONFIG_FILE`. */
export const runnerConfigSchema = z.strictObject({
  port: portSetting().default(4103).meta({ env: 'ORK_RUNNER_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_RUNNER_HOST' }),
  /** How this runner is known to the scheduler and in logs; unique per team. */
  name: runnerNameSetting()
    .default(() => runnerNameFromHostname(hostname()))
    .meta({ env: 'ORK_RUNNER_NAME' }),
  /** How many jobs (agent runs, gates) it runs at once. */
  slots: integerSetting({ min: 1 }).default(2).meta({ env: 'ORK_RUNNER_SLOTS' }),
});

export type RunnerConfig = Config<typeof runnerConfigSchema>;

/** Injection token for the frozen {@link RunnerConfig}. */
export const RUNNER_CONFIG = Symbol('RUNNER_CONFIG');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_RUNNER_*` typos included). */
export const loadRunnerConfig = (env: Env, file?: string): RunnerConfig =>
  loadConfig(runnerConfigSchema, { env, file, envPrefix: 'ORK_RUNNER_' });
