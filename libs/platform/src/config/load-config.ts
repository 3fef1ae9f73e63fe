import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { ConfigFile } from './config-file.js';
import { ConfigError } from './config.error.js';
import { parseConfig } from './parse-config.js';
import { configFileEnv } from './config-file-env.js';
import type { Config, Env } from './parse-config.js';

export interface LoadConfigOptions {
  /** The environment to read. Apps pass `process.env` once, in `main.ts`; tests pass their own. */
  readonly env?: Env;
  /** Path of a yaml file of settings; defaults to the env var `configFileEnv(envPrefix)` names. No file: defaults and env only. */
  readonly file?: string | undefined;
  /** e.g. `ORK_API_`: unknown env vars with this prefix are errors, like unknown keys in the file. */
  readonly envPrefix?: string | undefined;
}

/**
 * Reads the yaml file (if any), overlays env vars, validates against the strict schema and
 * returns a deeply frozen config. Throws ConfigError naming each bad key. See `parseConfig`.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, options: LoadConfigOptions = {}): Config<S> {
  const env = options.env ?? process.env;
  const named = options.file !== undefined;
  const fileEnv = configFileEnv(options.envPrefix);
  const path = options.file ?? (env[fileEnv] || undefined);
  const file = path === undefined ? undefined : readConfigFile(path, named ? undefined : fileEnv);
  return parseConfig(schema, { env, file, envPrefix: options.envPrefix });
}

function readConfigFile(path: string, envName: string | undefined): ConfigFile {
  try {
    return { name: path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    const issue = envName === undefined ? { source: path, message: reason } : { source: envName, message: `${path} ${reason}` };
    throw new ConfigError([{ setting: '', ...issue }], { cause: error });
  }
}
