import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A throwaway HOME and TMPDIR for running the real agent CLIs (Claude Code, OpenCode) offline against
 * `startModelServer`. Both CLIs write outside the repo (sessions and config under HOME, sockets and
 * extracted libraries under TMPDIR), so every test gets its own of each.
 */
export interface AgentSandbox {
  /** The mkdtemp directory holding `home/`, `tmp/` and anything else the test puts here (e.g. a repo). */
  root: string;
  home: string;
  tmpdir: string;
  /**
   * A clean environment (nothing inherited but PATH), plus `extra` (an undefined value removes a key):
   * - `HOME`, `TMPDIR`: the sandbox's own; sessions land in `HOME/.claude`, `HOME/.local/share/opencode`.
   * - `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`: Claude Code makes no DNS lookups or calls but the model's.
   * - `DISABLE_AUTOUPDATER`, `DISABLE_TELEMETRY`, `DISABLE_ERROR_REPORTING`: Claude Code's background traffic off.
   * - `OPENCODE_DISABLE_MODELS_FETCH=1`: no fetch of models.dev (fails offline after ~1 s).
   * - `OPENCODE_DISABLE_AUTOUPDATE`, `OPENCODE_DISABLE_LSP_DOWNLOAD`, `OPENCODE_DISABLE_SHARE`: no downloads or uploads.
   * - `OPENCODE_DISABLE_CLAUDE_CODE=1`: OpenCode ignores `~/.claude` and CLAUDE.md files.
   *
   * Not set, pass in `extra`: `ANTHROPIC_BASE_URL` (the server's `url`) and `ANTHROPIC_API_KEY` for Claude Code;
   * `OPENCODE_CONFIG` (from `opencodeConfig`) for OpenCode; `IS_SANDBOX=1`, which Claude Code needs to accept
   * `--dangerously-skip-permissions` when running as root.
   */
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  /**
   * Writes an `opencode.json` with an openai-compatible provider `fake` (model `fake/fake-model`, also the
   * small model for titles) at `<baseUrl>/v1`, every permission allowed but webfetch. Into `dir` when given
   * (OpenCode reads `opencode.json` from the repo root), else into the sandbox root; returns the file's path
   * (for `OPENCODE_CONFIG`).
   */
  opencodeConfig(baseUrl: string, dir?: string): string;
  /** Removes the whole sandbox. */
  cleanup(): Promise<void>;
}

export const OPENCODE_MODEL = 'fake/fake-model';

const OFFLINE_FLAGS: Record<string, string> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_DISABLE_AUTOUPDATE: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  OPENCODE_DISABLE_SHARE: '1',
  OPENCODE_DISABLE_CLAUDE_CODE: '1',
};

/** Makes the sandbox. OpenCode's config dir is seeded so it skips its background `npm install @opencode-ai/plugin`. */
export async function agentSandbox(): Promise<AgentSandbox> {
  const root = await mkdtemp(path.join(tmpdir(), 'agent-sandbox-'));
  const home = path.join(root, 'home');
  const tmp = path.join(root, 'tmp');
  mkdirSync(tmp, { recursive: true });
  // OpenCode installs @opencode-ai/plugin in the background unless node_modules/ exists and the lock lists it.
  const opencodeConfigDir = path.join(home, '.config', 'opencode');
  mkdirSync(path.join(opencodeConfigDir, 'node_modules'), { recursive: true });
  writeFileSync(
    path.join(opencodeConfigDir, 'package-lock.json'),
    `${JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: { '@opencode-ai/plugin': '*' } } } })}\n`,
  );

  return {
    root,
    home,
    tmpdir: tmp,
    env(extra = {}) {
      const env: Record<string, string | undefined> = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: home, TMPDIR: tmp, ...OFFLINE_FLAGS, ...extra };
      return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    },
    opencodeConfig(baseUrl, dir = root) {
      const v1 = baseUrl.replace(/\/+$/, '').replace(/(?<!\/v1)$/, '/v1');
      const config = {
        $schema: 'https://opencode.ai/config.json',
        provider: {
          fake: {
            npm: '@ai-sdk/openai-compatible',
            name: 'Fake',
            options: { baseURL: v1, apiKey: 'test-key' },
            models: { 'fake-model': { name: 'Fake Model', tool_call: true } },
          },
        },
        model: OPENCODE_MODEL,
        small_model: OPENCODE_MODEL,
        autoupdate: false,
        share: 'disabled',
        permission: { edit: 'allow', bash: 'allow', webfetch: 'deny' },
      };
      const file = path.join(dir, 'opencode.json');
      writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
      return file;
    },
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}
