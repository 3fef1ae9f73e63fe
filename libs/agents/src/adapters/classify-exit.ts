import type { Usage } from '@orkestra/domain';
import type { AgentExit, AgentRunOutcome } from './agent.types.js';

/** An error the CLI reported from the model provider. */
export interface ProviderError {
  readonly message: string;
  readonly status?: number;
  readonly rateLimited: boolean;
  readonly resetAt?: string;
}

export interface StreamSummary {
  readonly lines: number;
  readonly sessionId?: string;
  readonly usage?: Usage;
  readonly providerError?: ProviderError;
  /** The CLI said it finished with an answer (Claude's successful `result`; OpenCode's final `stop` step). */
  readonly answered: boolean;
  readonly structured?: unknown;
  readonly text: string;
  /** The CLI's own failure message (e.g. Claude's max-turns result), when it gave one. */
  readonly cliError?: string;
}

/**
 * What a run amounts to, the same way for every CLI: the runner's own limits first (timeout,
 * stall, abort), then what the provider said (rate limit, API error), then the CLI's exit.
 * Only a clean exit with an answer counts as answered; its content is judged later.
 */
export function classifyExit(exit: AgentExit, stream: StreamSummary): AgentRunOutcome {
  const common = { ...(stream.sessionId !== undefined && { sessionId: stream.sessionId }), ...(stream.usage !== undefined && { usage: stream.usage }) };
  if (exit.aborted) return { kind: 'failed', reason: 'Lost', message: 'The runner stopped the agent before it finished', ...common };
  if (exit.timedOut) return { kind: 'failed', reason: 'TimedOut', message: 'The agent ran past its time limit and was stopped', ...common };
  if (exit.stalled) return { kind: 'failed', reason: 'Stalled', message: 'The agent printed nothing for too long and was stopped', ...common };
  const error = stream.providerError;
  if (error?.rateLimited) {
    return { kind: 'failed', reason: 'RateLimited', message: error.message, ...(error.resetAt !== undefined && { resetAt: error.resetAt }), ...common };
  }
  if (error !== undefined) return { kind: 'failed', reason: 'ApiError', message: error.message, ...common };
  if (stream.lines === 0 || exit.exitCode !== 0 || !stream.answered) {
    const message =
      stream.lines === 0
        ? `The agent printed nothing and exited with ${describeExit(exit)}${tail(exit)}`
        : `The agent ${stream.cliError ?? `exited with ${describeExit(exit)} before answering`}${tail(exit)}`;
    return { kind: 'failed', reason: 'Exited', message, ...(SESSION_NOT_FOUND.test(message) && { sessionNotFound: true }), ...common };
  }
  return { kind: 'answered', text: stream.text, ...(stream.structured !== undefined && { structured: stream.structured }), ...common };
}

/** What Claude Code ("No conversation found with session ID") and OpenCode say about an unknown session. */
const SESSION_NOT_FOUND = /no conversation found with session id|session not found|session .* (?:does not exist|not found)/i;

const describeExit = (exit: AgentExit): string => (exit.exitCode === null ? 'no exit code (killed by a signal)' : `code ${exit.exitCode}`);

const tail = (exit: AgentExit): string => (exit.stderrTail.trim() === '' ? '' : `: ${exit.stderrTail.trim()}`);

/** A provider error from its HTTP status and message: 429 and rate-limit types are rate limits. */
export function providerError(message: string, status?: number, type?: string): ProviderError {
  const rateLimited = status === 429 || type === 'rate_limit_error' || /rate.?limit/i.test(message);
  return { message, rateLimited, ...(status !== undefined && { status }), ...(rateLimited && resetAtOf(message)) };
}

/** Some CLIs print when a limit resets, as an ISO time or a Unix timestamp; keep it when they do. */
function resetAtOf(message: string): { resetAt?: string } {
  const iso = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))\b/.exec(message)?.[1];
  if (iso !== undefined) return { resetAt: new Date(iso).toISOString() };
  const epoch = /\breset[^0-9]{0,20}(\d{10})\b/i.exec(message)?.[1];
  return epoch !== undefined ? { resetAt: new Date(Number(epoch) * 1000).toISOString() } : {};
}
