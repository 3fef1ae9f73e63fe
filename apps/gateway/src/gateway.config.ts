import { hostSetting, loadConfig, portSetting } from '@orkestra/platform';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';

export const GATEWAY_SERVICE = 'gateway';

/** The gateway's settings, each from its env var or the yaml file named by `ORK_GATEWAY_CONFIG_FILE`. */
export const gatewayConfigSchema = z.strictObject({
  port: portSetting().default(4100).meta({ env: 'ORK_GATEWAY_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_GATEWAY_HOST' }),
});

export type GatewayConfig = Config<typeof gatewayConfigSchema>;

/** Injection token for the frozen {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_GATEWAY_*` typos included). */
export const loadGatewayConfig = (env: Env, file?: string): GatewayConfig =>
  loadConfig(gatewayConfigSchema, { env, file, envPrefix: 'ORK_GATEWAY_' });
