import type { AgentChoice } from './workflow.types.js';

/** Model aliases of ORKESTRA-SPEC §4.1, resolved to the provider and the id passed to its CLI. */
const CLAUDE_ALIASES: Readonly<Record<string, string>> = {
  sonnet: 'claude-sonnet-4-6',
  opus: 'claude-opus-4-6',
  haiku: 'claude-haiku-4-5-20251001',
};

const OPENCODE_ALIASES: Readonly<Record<string, string>> = {
  'kimi-k2': 'moonshot/kimi-k2-0711-preview',
  'kimi-k2.5': 'opencode/kimi-k2.5-free',
  'kimi-k2.6': 'moonshot/kimi-k2.6',
};

export type AgentChoiceResult =
  | { readonly ok: true; readonly agent: AgentChoice }
  | { readonly ok: false; readonly error: string };

/**
 * Resolves a stage's `model` value: none → Claude Code with its default model;
 * `claude/X` or `claudecode/X` → Claude Code with X; any other `provider/model` → OpenCode
 * with the full spec; a bare alias → its table entry. Unknown aliases and providers this
 * server cannot run (`codex/…`, `claude-pty/…`) are errors.
 */
export function resolveAgentChoice(model: string | undefined): AgentChoiceResult {
  if (model === undefined) return { ok: true, agent: { kind: 'claudecode' } };
  const spec = model.trim();
  if (spec === '') return { ok: false, error: 'must not be empty' };
  const slash = spec.indexOf('/');
  if (slash > 0) {
    const provider = spec.slice(0, slash);
    const rest = spec.slice(slash + 1);
    if (rest === '') return { ok: false, error: `"${spec}" names no model after "${provider}/"` };
    if (provider === 'claude' || provider === 'claudecode') return { ok: true, agent: { kind: 'claudecode', model: rest } };
    if (provider === 'codex' || provider === 'claude-pty') {
      return { ok: false, error: `provider "${provider}" is not supported by this server (use claude/… or an OpenCode provider/model)` };
    }
    return { ok: true, agent: { kind: 'opencode', model: spec } };
  }
  const claude = CLAUDE_ALIASES[spec];
  if (claude !== undefined) return { ok: true, agent: { kind: 'claudecode', model: claude } };
  const opencode = OPENCODE_ALIASES[spec];
  if (opencode !== undefined) return { ok: true, agent: { kind: 'opencode', model: opencode } };
  const known = [...Object.keys(CLAUDE_ALIASES), ...Object.keys(OPENCODE_ALIASES)].join(', ');
  return { ok: false, error: `unknown model alias "${spec}" (known: ${known}; or write provider/model)` };
}
