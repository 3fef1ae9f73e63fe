/**
 * What an agent process gets as its environment: the runner's own, so the CLIs find their
 * logins and API keys (HOME, ANTHROPIC_API_KEY, OPENCODE_CONFIG …), minus the runner's
 * configuration and bus credentials (`ORK_*`, `NATS_*`). Agents never get `ORKESTRA_*` variables
 * (those are for gates). Each run sets TMPDIR to a dir of its own (see `RunTempDirs`).
 */
export function agentEnvironment(runnerEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(runnerEnv)) {
    if (value === undefined || /^(ORK_|NATS_|ORKESTRA_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}
