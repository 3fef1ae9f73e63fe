import { randomBytes } from 'node:crypto';

/** A tool call in Anthropic terms (`input` is an object). Also accepted by the OpenAI server. */
export interface ScriptToolUse {
  name: string;
  input?: unknown;
  id?: string;
}

/** A tool call in OpenAI terms (`arguments` is a JSON string, or an object that gets stringified). */
export interface ScriptToolCall {
  name: string;
  arguments?: string | Record<string, unknown>;
  id?: string;
}

/** An HTTP error in the provider's JSON error shape. `type` defaults from the status (529 → overloaded_error). */
export interface ScriptError {
  status: number;
  type?: string;
  message?: string;
}

export interface ScriptTurnObject {
  text?: string;
  tool_use?: ScriptToolUse[];
  tool_calls?: ScriptToolCall[];
  /** Raw Anthropic content blocks (text, tool_use, thinking, …). On the OpenAI server only text and tool_use survive. */
  content?: Array<Record<string, unknown>>;
  error?: ScriptError;
  /** Wait this long before answering. */
  delay_ms?: number;
  /** Characters per SSE delta (default 20). */
  chunk?: number;
  /** Anthropic stop reason (default `tool_use` when the turn calls tools, else `end_turn`). */
  stop_reason?: string;
  /** OpenAI finish reason (default `tool_calls` when the turn calls tools, else `stop`). */
  finish_reason?: string;
}

/** A string is a text reply. `{{cwd}}` (the agent's working directory) and `{{n}}` (the turn index) are filled in. */
export type ScriptTurn = string | ScriptTurnObject;

export interface ModelScript {
  /** Picked by the number of `role:"assistant"` messages in the request. */
  turns: ScriptTurn[];
  /** Reply to requests without tools (title generators and other side calls). */
  side?: ScriptTurn;
  /** Reply once `turns` have run out (default: the last turn). */
  after?: ScriptTurn;
  /** Treat requests without tools as main turns (agents that run with no tools at all). */
  noToolsIsMain?: boolean;
}

export type ModelProtocol = 'anthropic' | 'openai';

/** One content block of a planned reply, protocol-neutral. */
export type ReplyBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'raw'; block: Record<string, unknown> };

export type PlannedReply =
  | { kind: 'message'; blocks: ReplyBlock[]; stopReason?: string; finishReason?: string; chunk: number; delayMs: number }
  | { kind: 'error'; status: number; type: string; message: string; delayMs: number };

/** What the server picked for one request. */
export interface TurnSelection {
  kind: 'main' | 'side';
  /** Number of assistant messages in the request. */
  index: number;
  turn: ScriptTurn;
  cwd: string | undefined;
}

const DEFAULT_SIDE: Record<ModelProtocol, string> = { anthropic: 'ok', openai: 'Fake session title' };

export function isModelScript(value: unknown): value is ModelScript {
  return typeof value === 'object' && value !== null && Array.isArray((value as { turns?: unknown }).turns);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function collectStrings(value: unknown, into: string[]): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (isRecord(value)) for (const item of Object.values(value)) collectStrings(item, into);
  return into;
}

/**
 * The agent's working directory, from the prompt text: Claude Code sends ` - Primary working directory: /abs`
 * in a system-role message, OpenCode `  Working directory: /abs` in its system prompt.
 */
export function requestCwd(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const texts = collectStrings([body.system, body.messages], []);
  for (const pattern of [/^\s*-?\s*Primary working directory:\s*(\S[^\n]*?)\s*$/m, /^\s*-?\s*Working directory:\s*(\S[^\n]*?)\s*$/m]) {
    for (const text of texts) {
      const match = pattern.exec(text);
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

export function assistantCount(body: unknown): number {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  return messages.filter((m) => isRecord(m) && m.role === 'assistant').length;
}

const hasTools = (body: unknown): boolean => isRecord(body) && Array.isArray(body.tools) && body.tools.length > 0;

export function selectTurn(script: ModelScript, body: unknown, protocol: ModelProtocol): TurnSelection {
  const index = assistantCount(body);
  const cwd = requestCwd(body);
  if (!hasTools(body) && !script.noToolsIsMain) return { kind: 'side', index, cwd, turn: script.side ?? DEFAULT_SIDE[protocol] };
  const turn = script.turns[index] ?? script.after ?? script.turns[script.turns.length - 1] ?? 'ok';
  return { kind: 'main', index, cwd, turn };
}

/** Replaces `{{cwd}}` and `{{n}}` in every string of `value`. An unknown cwd becomes `.`. */
export function fillTemplate<T>(value: T, vars: { cwd: string | undefined; n: number }): T {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll('{{cwd}}', vars.cwd ?? '.').replaceAll('{{n}}', String(vars.n));
    if (Array.isArray(v)) return v.map(fill);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, fill(item)]));
    return v;
  };
  return fill(value) as T;
}

const DEFAULT_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

export const errorTypeFor = (status: number): string => DEFAULT_ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');

export const newId = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

function parseArguments(args: ScriptToolCall['arguments']): unknown {
  if (args === undefined) return {};
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args; // kept verbatim; the OpenAI renderer sends strings as they are
  }
}

/** Turns a (filled-in) script turn into protocol-neutral blocks. */
export function planReply(turn: ScriptTurn, protocol: ModelProtocol): PlannedReply {
  if (typeof turn === 'string') return { kind: 'message', blocks: [{ type: 'text', text: turn }], chunk: 20, delayMs: 0 };
  const delayMs = turn.delay_ms ?? 0;
  if (turn.error) {
    const { status } = turn.error;
    return { kind: 'error', status, type: turn.error.type ?? errorTypeFor(status), message: turn.error.message ?? 'scripted error', delayMs };
  }
  const toolPrefix = protocol === 'anthropic' ? 'toolu_fake_' : 'call_fake_';
  const blocks: ReplyBlock[] = [];
  if (turn.text !== undefined && turn.text !== '') blocks.push({ type: 'text', text: turn.text });
  for (const block of turn.content ?? []) {
    if (block.type === 'text' && typeof block.text === 'string') blocks.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use' && typeof block.name === 'string')
      blocks.push({ type: 'tool_use', id: typeof block.id === 'string' ? block.id : newId(toolPrefix), name: block.name, input: block.input ?? {} });
    else blocks.push({ type: 'raw', block });
  }
  for (const call of turn.tool_use ?? []) blocks.push({ type: 'tool_use', id: call.id ?? newId(toolPrefix), name: call.name, input: call.input ?? {} });
  for (const call of turn.tool_calls ?? [])
    blocks.push({ type: 'tool_use', id: call.id ?? newId(toolPrefix), name: call.name, input: parseArguments(call.arguments) });
  if (blocks.length === 0) blocks.push({ type: 'text', text: turn.text ?? '' });
  return { kind: 'message', blocks, stopReason: turn.stop_reason, finishReason: turn.finish_reason, chunk: Math.max(1, turn.chunk ?? 20), delayMs };
}

export function chunks(text: string, size: number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A rough, deterministic token count (4 characters a token) so CLIs have usage to report. */
export const estimateTokens = (value: unknown): number => Math.max(1, Math.ceil((typeof value === 'string' ? value : JSON.stringify(value ?? '')).length / 4));
