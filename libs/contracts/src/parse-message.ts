import type { z } from 'zod';

/** Longest reason a refused message carries, so one huge payload cannot flood a log line. */
export const MALFORMED_REASON_LIMIT = 500;

/** How many of a message's problems the reason names; the rest are counted. */
const ISSUES_NAMED = 3;

/** A message that crossed a process boundary and is not what its contract says. */
export class MalformedMessageError extends Error {
  readonly code = 'CONTRACTS.MALFORMED_MESSAGE' as const;

  constructor(
    /** What the message should have been, e.g. `job`; the first token of every path in `reason`. */
    readonly what: string,
    /** Where and why, e.g. `job.stage.agent.kind: expected "claudecode" | "opencode"`; at most {@link MALFORMED_REASON_LIMIT} characters. */
    readonly reason: string,
  ) {
    super(`Malformed ${what}: ${reason}`);
    this.name = 'MalformedMessageError';
  }

  static is(error: unknown): error is MalformedMessageError {
    return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'CONTRACTS.MALFORMED_MESSAGE';
  }
}

/** `value` checked against `schema`: the typed message, or why it is refused. */
export function parseMessage<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> | MalformedMessageError {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { issues } = result.error;
  const named = issues.slice(0, ISSUES_NAMED).map((issue) => `${pathOf(what, issue.path)}: ${detail(issue, value)}`);
  const more = issues.length > ISSUES_NAMED ? ` (and ${issues.length - ISSUES_NAMED} more)` : '';
  return new MalformedMessageError(what, cap(named.join('; ') + more));
}

/** A message's raw payload (JSON text or its bytes) checked against `schema`; text that is not JSON is refused too. */
export function parseMessageData<S extends z.ZodType>(schema: S, data: Uint8Array | string, what: string): z.output<S> | MalformedMessageError {
  const text = typeof data === 'string' ? data : decoder.decode(data);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new MalformedMessageError(what, cap(`${what}: not JSON (${error instanceof Error ? error.message : String(error)})`));
  }
  return parseMessage(schema, value, what);
}

const decoder = new TextDecoder();

const cap = (reason: string): string => (reason.length <= MALFORMED_REASON_LIMIT ? reason : `${reason.slice(0, MALFORMED_REASON_LIMIT - 1)}…`);

function pathOf(what: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), what);
}

function detail(issue: z.core.$ZodIssue, root: unknown): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected ${issue.values.map(show).join(' | ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      return options !== undefined && options.length > 0 ? `expected ${options.map(show).join(' | ')}` : issue.message;
    }
    case 'invalid_type': {
      const found = valueAt(root, issue.path);
      return found === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${kindOf(found)}`;
    }
    case 'unrecognized_keys':
      return `unexpected ${issue.keys.map(show).join(', ')}`;
    default:
      return issue.message;
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

const kindOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
