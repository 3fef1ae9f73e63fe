import { z } from 'zod';
import { parseConfig } from '../config/parse-config.js';
import type { Env } from '../config/parse-config.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How a service logs; every app reads the same two env vars (they are not per app, so `ork up` logs one way). */
const logSettingsSchema = z.object({
  level: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info').meta({ env: 'ORK_LOG_LEVEL' }),
  format: z.enum(LOG_FORMATS, { error: `expected one of ${LOG_FORMATS.join(', ')}` }).optional().meta({ env: 'ORK_LOG_FORMAT' }),
});

export interface LogSettings {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/**
 * `ORK_LOG_LEVEL` (default `info`) and `ORK_LOG_FORMAT`: `json` (one object per line, for
 * machines) unless the output is a terminal, where it defaults to `pretty`. A bad value is a
 * ConfigError naming the variable, so the service refuses to start rather than log the wrong way.
 */
export function logSettingsFromEnv(env: Env, output: { readonly isTTY: boolean }): LogSettings {
  const { level, format } = parseConfig(logSettingsSchema, { env });
  return { level, format: format ?? (output.isTTY ? 'pretty' : 'json') };
}
