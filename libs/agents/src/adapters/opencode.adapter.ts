import type { Usage } from '@orkestra/domain';
import type { AgentAdapter, AgentExit, AgentInvocation, AgentInvocationRequest, AgentLogEntry, AgentRunOutcome, AgentStreamReader } from './agent.types.js';
import { classifyExit, providerError } from './classify-exit.js';
import type { ProviderError } from './classify-exit.js';
import { parseJsonLine } from './json-lines.js';

/**
 * OpenCode's `run` (ORKESTRA-SPEC §4.3, AGENT-CLIS.md §4): the prompt on stdin, one JSON event
 * per line, its own session ids (`ses_…`) resumed with `--session`. It has no system-prompt
 * flag, so on a new session the system prompt goes first in the message; on resume the
 * session already has it. Disallowed tools can only be asked for in the prompt.
 */
export const openCodeAdapter: AgentAdapter = {
  kind: 'opencode',

  invocation(request: AgentInvocationRequest): AgentInvocation {
    const args = ['run', '--format', 'json'];
    if (request.session.mode === 'resume') args.push('--session', request.session.sessionId);
    if (request.model !== undefined) args.push('--model', request.model);
    const parts: string[] = [];
    if (request.session.mode === 'new' && request.systemPrompt !== undefined && request.systemPrompt !== '') parts.push(request.systemPrompt);
    if (request.disallowedTools.length > 0) parts.push(`Do not use these tools: ${request.disallowedTools.join(', ')}.`);
    parts.push(request.userPrompt);
    return {
      command: request.executable ?? 'opencode',
      args,
      stdin: parts.join('\n\n'),
      env: {
        OPENCODE_DISABLE_AUTOUPDATE: '1',
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
        OPENCODE_DISABLE_SHARE: '1',
        OPENCODE_DISABLE_CLAUDE_CODE: '1',
      },
    };
  },

  reader: () => new OpenCodeStreamReader(),
};

class OpenCodeStreamReader implements AgentStreamReader {
  sessionId: string | undefined;
  private lines = 0;
  private lastText = '';
  private usage: Usage | undefined;
  private error: ProviderError | undefined;
  private stopped = false;

  read(line: string): AgentLogEntry[] {
    const event = parseJsonLine(line);
    if (event === undefined) return [];
    this.lines++;
    const entries: AgentLogEntry[] = [];
    if (this.sessionId === undefined && typeof event['sessionID'] === 'string' && event['sessionID'] !== '') {
      this.sessionId = event['sessionID'];
      entries.push({ kind: 'session', sessionId: this.sessionId });
    }
    const part = (event['part'] ?? {}) as Record<string, unknown>;
    switch (event['type']) {
      case 'text':
        if (typeof part['text'] === 'string') {
          this.lastText = part['text'];
          entries.push({ kind: 'text', text: part['text'] });
        }
        break;
      case 'tool_use':
        entries.push(...toolEntries(part));
        break;
      case 'step_finish':
        entries.push(...this.stepFinished(part));
        break;
      case 'error':
        entries.push(this.failed(event['error']));
        break;
    }
    return entries;
  }

  finish(exit: AgentExit): AgentRunOutcome {
    return classifyExit(exit, {
      lines: this.lines,
      answered: this.stopped,
      text: this.lastText,
      ...(this.sessionId !== undefined && { sessionId: this.sessionId }),
      ...(this.usage !== undefined && { usage: this.usage }),
      ...(this.error !== undefined && { providerError: this.error }),
    });
  }

  private stepFinished(part: Record<string, unknown>): AgentLogEntry[] {
    if (part['reason'] === 'stop') this.stopped = true;
    const tokens = part['tokens'] as { input?: number; output?: number; cache?: { read?: number; write?: number } } | undefined;
    if (tokens === undefined && typeof part['cost'] !== 'number') return [];
    const step: Usage = {
      inputTokens: (tokens?.input ?? 0) + (tokens?.cache?.read ?? 0) + (tokens?.cache?.write ?? 0),
      outputTokens: tokens?.output ?? 0,
      costUsd: typeof part['cost'] === 'number' ? part['cost'] : 0,
    };
    const total: Usage = this.usage === undefined ? step : { inputTokens: this.usage.inputTokens + step.inputTokens, outputTokens: this.usage.outputTokens + step.outputTokens, costUsd: this.usage.costUsd + step.costUsd };
    this.usage = total;
    return [{ kind: 'usage', usage: total }];
  }

  private failed(error: unknown): AgentLogEntry {
    const data = ((error ?? {}) as { data?: { message?: unknown; statusCode?: unknown }; name?: unknown }).data ?? {};
    const message = typeof data.message === 'string' ? data.message : `${String((error as { name?: unknown })?.name ?? 'error')} from the model provider`;
    this.error ??= providerError(message, typeof data.statusCode === 'number' ? data.statusCode : undefined);
    return { kind: 'error', message };
  }
}

function toolEntries(part: Record<string, unknown>): AgentLogEntry[] {
  const state = (part['state'] ?? {}) as { status?: unknown; input?: unknown; output?: unknown; error?: unknown };
  const id = typeof part['callID'] === 'string' ? part['callID'] : undefined;
  const use: AgentLogEntry = { kind: 'tool_use', tool: String(part['tool']), input: state.input, subagent: false, ...(id !== undefined && { id }) };
  if (state.status !== 'completed' && state.status !== 'error') return [use];
  const output = typeof state.output === 'string' ? state.output : typeof state.error === 'string' ? state.error : '';
  return [use, { kind: 'tool_result', output, isError: state.status === 'error', subagent: false, ...(id !== undefined && { id }) }];
}
