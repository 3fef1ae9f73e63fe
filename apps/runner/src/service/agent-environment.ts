import path from 'node:path';
import type { AgentKind } from '@orkestra/domain';

/**
 * What an agent process gets as its environment: the runner's own, so the CLIs find their
 * logins and API keys (HOME, ANTHROPIC_API_KEY, OPENCODE_CONFIG …), minus the runner's
 * configuration and bus credentials (`ORK_*`, `NATS_*`), with TMPDIR moved under the runner's
 * data dir: both CLIs leave files in their temp dir on every run, and there they are contained
 * and collected with the rest. Agents never get `ORKESTRA_*` variables (those are for gates).
 */
export function agentEnvironment(runnerEnv: Readonly<Record<string, string | undefined>>, dataDir: string, kind: AgentKind): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(runnerEnv)) {
    if (value === undefined || /^(ORK_|NATS_|ORKESTRA_)/.test(key)) continue;
    env[key] = value;
  }
  env['TMPDIR'] = path.join(dataDir, 'tmp', kind);
  return env;
}
