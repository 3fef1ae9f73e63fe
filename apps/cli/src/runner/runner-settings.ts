import { ConfigError, formatConfigIssue } from '@orkestra/platform';
import { loadRunnerConfig } from '@orkestra/runner';
import type { RunnerConfig } from '@orkestra/runner';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';

/** `ork runner`'s flags as commander gives them: text, validated by the runner's own config loader. */
export interface RunnerFlags {
  readonly nats?: string;
  readonly natsUser?: string;
  readonly natsPassword?: string;
  readonly name?: string;
  readonly labels?: string;
  readonly slots?: string;
  readonly dataDir?: string;
  readonly port?: string;
  readonly drainGrace?: string;
  readonly config?: string;
}

/** Each flag and the runner setting (its env var) it stands for. */
export const RUNNER_FLAGS: ReadonlyArray<{ readonly key: keyof RunnerFlags; readonly flag: string; readonly env: string }> = [
  { key: 'nats', flag: '--nats', env: 'ORK_RUNNER_NATS_URL' },
  { key: 'natsUser', flag: '--nats-user', env: 'ORK_RUNNER_NATS_USER' },
  { key: 'natsPassword', flag: '--nats-password', env: 'ORK_RUNNER_NATS_PASSWORD' },
  { key: 'name', flag: '--name', env: 'ORK_RUNNER_NAME' },
  { key: 'labels', flag: '--labels', env: 'ORK_RUNNER_LABELS' },
  { key: 'slots', flag: '--slots', env: 'ORK_RUNNER_SLOTS' },
  { key: 'dataDir', flag: '--data-dir', env: 'ORK_RUNNER_DATA_DIR' },
  { key: 'port', flag: '--port', env: 'ORK_RUNNER_PORT' },
  { key: 'drainGrace', flag: '--drain-grace', env: 'ORK_RUNNER_DRAIN_GRACE_SECONDS' },
  { key: 'config', flag: '--config', env: 'ORK_RUNNER_CONFIG_FILE' },
];

/**
 * The runner's config from the flags over the `ORK_RUNNER_*` environment over the yaml file, read
 * by the runner app's own loader, so `ork runner` accepts exactly what `node apps/runner/dist/main.js`
 * does. A bad value is a usage error naming the flag it came from (or the env var, or the file's line).
 */
export function runnerSettings(flags: RunnerFlags, env: Readonly<Record<string, string | undefined>>): RunnerConfig {
  const merged: Record<string, string | undefined> = { ...env };
  const fromFlag = new Map<string, string>();
  for (const { key, flag, env: name } of RUNNER_FLAGS) {
    const value = flags[key];
    if (value === undefined) continue;
    merged[name] = value;
    fromFlag.set(name, flag);
  }
  let config: RunnerConfig;
  try {
    config = loadRunnerConfig(merged);
  } catch (error) {
    if (!ConfigError.is(error)) throw error;
    const problems = error.issues.map((issue) => formatConfigIssue({ ...issue, source: flagSource(issue.source, fromFlag) }));
    throw new CliError(
      `ork runner: ${problems.length === 1 ? 'a bad setting' : `${problems.length} bad settings`}:\n  ${problems.join('\n  ')}`,
      EXIT.usage,
      'Fix the value(s) named above; `ork runner --help` lists the flags, docs/runner.md every setting.',
      { issues: error.issues.map((issue) => ({ ...issue, source: flagSource(issue.source, fromFlag) })) },
    );
  }
  if (config.natsUrl === undefined) {
    throw new CliError(
      'ork runner needs the NATS URL of the team server to join',
      EXIT.usage,
      'Pass --nats nats://<team server>:4222 (or set ORK_RUNNER_NATS_URL), with --nats-user runner and the password in ORK_RUNNER_NATS_PASSWORD.',
    );
  }
  return config;
}

/** `ORK_RUNNER_SLOTS` → `--slots` when the value came from that flag; `ORK_RUNNER_CONFIG_FILE: x does not exist` → `--config: …`. */
function flagSource(source: string, fromFlag: ReadonlyMap<string, string>): string {
  return fromFlag.get(source) ?? source;
}

/** A NATS URL fit for a message: without the `user:password@` it may carry. */
export const withoutCredentials = (url: string): string => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
