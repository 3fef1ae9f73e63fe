import type { Usage } from '@orkestra/domain';
import type { AgentAdapter, AgentExit, AgentInvocation, AgentInvocationRequest, AgentLogEntry, AgentRunOutcome, AgentStreamReader } from './agent.types.js';
import { classifyExit, providerError } from './classify-exit.js';
import type { ProviderError } from './classify-exit.js';
import { parseJsonLine, textOf } from './json-lines.js';

/** Always refused: plan mode would stop a headless run waiting for a human. */
const ALWAYS_DISALLOWED = ['EnterPlanMode', 'ExitPlanMode'];

/**
 * Claude Code in print mode (ORKESTRA-SPEC §4.2, AGENT-CLIS.md §3): the prompt on stdin,
 * stream-json events on stdout, our own session id on the first run and `--resume` after it,
 * the stage's schema enforced through the StructuredOutput tool.
 */
export const claudeCodeAdapter: AgentAdapter = {
  kind: 'claudecode',

  invocation(request: AgentInvocationRequest): AgentInvocation {
    const args = ['--print', '--verbose', '--output-format', 'stream-json'];
    if (request.session.mode === 'resume') args.push('--resume', request.session.sessionId);
    else if (request.session.sessionId !== undefined) args.push('--session-id', request.session.sessionId);
    if (request.model !== undefined) args.push('--model', request.model);
    if (request.outputSchema !== undefined) args.push('--json-schema', JSON.stringify(request.outputSchema));
    if (request.systemPrompt !== undefined && request.systemPrompt !== '') args.push('--append-system-prompt', request.systemPrompt);
    args.push('--disallowedTools', [...ALWAYS_DISALLOWED, ...request.disallowedTools].join(','));
    args.push('--dangerously-skip-permissions');
    return {
      command: request.executable ?? 'claude',
      args,
      stdin: request.userPrompt,
      // IS_SANDBOX: the runner is the sandbox (its own OS user, its own worktree); without it
      // Claude Code refuses to skip permissions when the runner runs as root.
      env: { IS_SANDBOX: '1', CLAUDE_CODE_DISABLE_BACKGROUND_TASKS: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' },
    };
  },

  reader: () => new ClaudeStreamReader(),
};

class ClaudeStreamReader implements AgentStreamReader {
  sessionId: string | undefined;
  private lines = 0;
  private readonly texts: string[] = [];
  private structured: unknown;
  private usage: Usage | undefined;
  private error: ProviderError | undefined;
  private answered = false;
  private cliError: string | undefined;
  private resultText: string | undefined;

  read(line: string): AgentLogEntry[] {
    const event = parseJsonLine(line);
    if (event === undefined) return [];
    this.lines++;
    const entries: AgentLogEntry[] = [];
    if (this.sessionId === undefined && typeof event['session_id'] === 'string') {
      this.sessionId = event['session_id'];
      entries.push({ kind: 'session', sessionId: this.sessionId });
    }
    switch (event['type']) {
      case 'assistant':
        entries.push(...this.assistant(event));
        break;
      case 'user':
        entries.push(...toolResults(event));
        break;
      case 'result':
        entries.push(...this.result(event));
        break;
    }
    return entries;
  }

  finish(exit: AgentExit): AgentRunOutcome {
    const text = this.texts.length > 0 ? this.texts.join('\n') : (this.resultText ?? '');
    return classifyExit(exit, {
      lines: this.lines,
      answered: this.answered,
      text,
      ...(this.sessionId !== undefined && { sessionId: this.sessionId }),
      ...(this.usage !== undefined && { usage: this.usage }),
      ...(this.error !== undefined && { providerError: this.error }),
      ...(this.structured !== undefined && { structured: this.structured }),
      ...(this.cliError !== undefined && { cliError: this.cliError }),
    });
  }

  private assistant(event: Record<string, unknown>): AgentLogEntry[] {
    const message = (event['message'] ?? {}) as { content?: unknown };
    if (event['error'] !== undefined) {
      const text = textOf(message.content) || String(event['error']);
      this.error ??= providerError(text, statusIn(text), typeof event['error'] === 'string' ? event['error'] : undefined);
      return [{ kind: 'error', message: text }];
    }
    const subagent = event['parent_tool_use_id'] !== null && event['parent_tool_use_id'] !== undefined;
    const entries: AgentLogEntry[] = [];
    for (const block of Array.isArray(message.content) ? (message.content as Record<string, unknown>[]) : []) {
      if (block['type'] === 'text' && typeof block['text'] === 'string') {
        if (!subagent) this.texts.push(block['text']);
        entries.push({ kind: 'text', text: block['text'] });
      } else if (block['type'] === 'tool_use') {
        // The StructuredOutput call is the answer itself, not work worth showing as a tool.
        if (block['name'] === 'StructuredOutput') continue;
        entries.push({ kind: 'tool_use', tool: String(block['name']), input: block['input'], subagent, ...(typeof block['id'] === 'string' && { id: block['id'] }) });
      }
    }
    return entries;
  }

  private result(event: Record<string, unknown>): AgentLogEntry[] {
    const entries: AgentLogEntry[] = [];
    const usage = event['usage'] as { input_tokens?: number; output_tokens?: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number } | undefined;
    if (usage !== undefined || typeof event['total_cost_usd'] === 'number') {
      this.usage = {
        inputTokens: (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0),
        outputTokens: usage?.output_tokens ?? 0,
        costUsd: typeof event['total_cost_usd'] === 'number' ? event['total_cost_usd'] : 0,
      };
      entries.push({ kind: 'usage', usage: this.usage });
    }
    const resultText = typeof event['result'] === 'string' ? event['result'] : undefined;
    if (resultText !== undefined) this.resultText = resultText;
    if (event['is_error'] === true) {
      const status = typeof event['api_error_status'] === 'number' ? event['api_error_status'] : undefined;
      const message = resultText ?? (Array.isArray(event['errors']) ? (event['errors'] as unknown[]).join('; ') : 'the agent reported an error');
      if (status !== undefined || event['terminal_reason'] === 'api_error') this.error ??= providerError(message, status ?? statusIn(message));
      else this.cliError = `stopped: ${message}`;
      entries.push({ kind: 'error', message });
      return entries;
    }
    this.answered = true;
    if (event['structured_output'] !== undefined && event['structured_output'] !== null) this.structured = unwrapStructured(event['structured_output']);
    return entries;
  }
}

function toolResults(event: Record<string, unknown>): AgentLogEntry[] {
  const subagent = event['parent_tool_use_id'] !== null && event['parent_tool_use_id'] !== undefined;
  const content = ((event['message'] ?? {}) as { content?: unknown }).content;
  if (!Array.isArray(content)) return [];
  return (content as Record<string, unknown>[])
    .filter((block) => block['type'] === 'tool_result')
    .map((block) => ({
      kind: 'tool_result' as const,
      output: typeof block['content'] === 'string' ? block['content'] : textOf(block['content']),
      isError: block['is_error'] === true,
      subagent,
      ...(typeof block['tool_use_id'] === 'string' && { id: block['tool_use_id'] }),
    }));
}

/**
 * Some versions wrap the answer as `{content: "<json>"}` (ORKESTRA-SPEC §4.5). Only a bare
 * wrapper is unwrapped: an artifact answer also has a string `content`, which is its text.
 */
function unwrapStructured(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const content = (value as { content?: unknown }).content;
  if (keys.length !== 1 || typeof content !== 'string') return value;
  try {
    return JSON.parse(content);
  } catch {
    return value;
  }
}

const statusIn = (message: string): number | undefined => {
  const match = /\b(4\d\d|5\d\d)\b/.exec(message);
  return match === null ? undefined : Number(match[1]);
};
