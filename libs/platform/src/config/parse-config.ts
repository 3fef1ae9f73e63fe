import { z } from 'zod';
import { parseConfigFile, formatPath } from './config-file.js';
import type { ConfigFile, ParsedConfigFile } from './config-file.js';
import { ConfigError } from './config.error.js';
import type { ConfigIssue } from './config.error.js';
import { configFileEnv } from './config-file-env.js';
import { deepFreeze } from './deep-freeze.js';
import type { DeepReadonly } from './deep-freeze.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What `loadConfig(schema)` returns: the schema's output, deeply frozen. */
export type Config<S extends z.ZodObject> = DeepReadonly<z.output<S>>;

export interface ParseConfigInput {
  readonly env: Env;
  readonly file?: ConfigFile | undefined;
  /** e.g. `ORK_API_`: an env var with this prefix that names no setting is an error (a typo, usually). */
  readonly envPrefix?: string | undefined;
}

/**
 * Builds the config from schema defaults, then the yaml file, then env vars (highest), and
 * validates it strictly. A top-level setting is read from the env var named in its metadata:
 * `portSetting().default(4101).meta({ env: 'ORK_API_PORT' })`. An empty env var counts as unset.
 * Throws one ConfigError listing every bad key.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, { env, file, envPrefix }: ParseConfigInput): Config<S> {
  const parsedFile = file === undefined ? undefined : parseConfigFile(file);
  const envNames = envNamesOf(schema);

  const input: Record<string, unknown> = { ...parsedFile?.values };
  const fromEnv = new Set<string>();
  for (const [key, name] of envNames) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    input[key] = value;
    fromEnv.add(key);
  }

  const issues = unknownEnvVars(env, envNames, envPrefix);
  const result = schema.strict().safeParse(input);
  if (!result.success) {
    const context: IssueContext = { env, envNames, fromEnv, file: parsedFile, knownKeys: Object.keys(schema.shape) };
    issues.push(...result.error.issues.flatMap((issue) => describeIssue(issue, context)));
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);
  return deepFreeze(result.data as z.output<S>);
}

/** Setting key → env var, from `.meta({ env })` on the field or anything it wraps (default, optional, pipe). */
function envNamesOf(schema: z.ZodObject): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, field] of Object.entries(schema.shape)) {
    let current: z.core.$ZodType | undefined = field;
    while (current !== undefined) {
      const env = z.globalRegistry.get(current)?.['env'];
      if (typeof env === 'string') {
        names.set(key, env);
        break;
      }
      const def = current._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      current = def.innerType ?? def.in;
    }
  }
  return names;
}

function unknownEnvVars(env: Env, envNames: ReadonlyMap<string, string>, prefix: string | undefined): ConfigIssue[] {
  if (prefix === undefined || prefix === '') return [];
  const known = new Set([...envNames.values(), configFileEnv(prefix)]);
  const knownList = [...known].sort().join(', ');
  return Object.keys(env)
    .filter((name) => name.startsWith(prefix) && !known.has(name) && env[name] !== undefined && env[name] !== '')
    .sort()
    .map((name) => ({ setting: '', source: name, message: `is not a known setting (known: ${knownList})` }));
}

interface IssueContext {
  readonly env: Env;
  readonly envNames: ReadonlyMap<string, string>;
  readonly fromEnv: ReadonlySet<string>;
  readonly file: ParsedConfigFile | undefined;
  readonly knownKeys: readonly string[];
}

function describeIssue(issue: z.core.$ZodIssue, context: IssueContext): ConfigIssue[] {
  const { envNames, fromEnv, file } = context;
  if (issue.code === 'unrecognized_keys') {
    // Env vars only ever fill known keys, so an unknown key comes from the file.
    const known = issue.path.length === 0 ? ` (known: ${context.knownKeys.join(', ')})` : '';
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { setting: formatPath(path), source: file?.locate(path) ?? formatPath(path), message: `is not a known setting${known}` };
    });
  }

  const setting = formatPath(issue.path);
  const key = String(issue.path[0] ?? '');
  const envName = envNames.get(key);
  if (envName !== undefined && fromEnv.has(key)) {
    return [{ setting, source: envName, message: `${issue.message}, got ${show(context.env[envName])}` }];
  }
  const value = valueAt(file?.values, issue.path);
  if (file !== undefined && value !== undefined) {
    return [{ setting, source: file.locate(issue.path), message: `${issue.message}, got ${show(value)}` }];
  }
  if (issue.code === 'invalid_type') {
    const where = envName === undefined ? `"${setting}" in the config file` : `${envName} or "${setting}" in the config file`;
    return [{ setting, source: envName ?? setting, message: `is required (set ${where})` }];
  }
  return [{ setting, source: envName ?? setting, message: issue.message }];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
