import type { AgentFailureReason, Usage } from '@orkestra/domain';

/** One thing an agent did, as shown in the Trak's live log. */
export type AgentLogEntry =
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool_use'; readonly id?: string; readonly tool: string; readonly input: unknown; readonly subagent: boolean }
  | { readonly kind: 'tool_result'; readonly id?: string; readonly output: string; readonly isError: boolean; readonly subagent: boolean }
  | { readonly kind: 'usage'; readonly usage: Usage }
  | { readonly kind: 'error'; readonly message: string };

/** What the runner asks of an agent CLI for one run. */
export interface AgentInvocationRequest {
  readonly cwd: string;
  /** Instructions that belong in the system prompt (folded into the first message where the CLI has no flag for it). */
  readonly systemPrompt?: string;
  readonly userPrompt: string;
  /** The model as the CLI wants it (`claude-sonnet-4-6`, `provider/model`); undefined: the CLI's default. */
  readonly model?: string;
  /** A new session (Claude takes our id; OpenCode makes its own) or one to resume. */
  readonly session: { readonly mode: 'new'; readonly sessionId?: string } | { readonly mode: 'resume'; readonly sessionId: string };
  /** JSON Schema of the structured answer, for CLIs that enforce one. */
  readonly outputSchema?: object;
  readonly disallowedTools: readonly string[];
  /** The CLI's executable; default `claude` / `opencode` on PATH. */
  readonly executable?: string;
}

/** How to start the CLI: the runner's process runner does the rest. */
export interface AgentInvocation {
  readonly command: string;
  readonly args: readonly string[];
  /** Written to stdin, which is then closed. */
  readonly stdin: string;
  /** Added to the runner's agent environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** How the CLI's process ended, from the process runner. */
export interface AgentExit {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stalled: boolean;
  readonly aborted: boolean;
  /** The last lines of stderr, for messages. */
  readonly stderrTail: string;
}

/** What a run amounts to once the process is gone. */
export type AgentRunOutcome =
  | {
      readonly kind: 'answered';
      readonly sessionId?: string;
      /** A StructuredOutput the CLI enforced, if any. */
      readonly structured?: unknown;
      /** The assistant's text, for fenced-block extraction. */
      readonly text: string;
      readonly usage?: Usage;
    }
  | {
      readonly kind: 'failed';
      readonly reason: AgentFailureReason;
      readonly message: string;
      readonly sessionId?: string;
      readonly usage?: Usage;
      /** When a rate limit resets, if the CLI said. */
      readonly resetAt?: string;
      /**
       * The session to resume is not on this machine (sessions live in the CLI's home on the
       * runner that started them): a new session with the full context can take over.
       */
      readonly sessionNotFound?: boolean;
    };

/**
 * One agent CLI: how to call it, how to read its event stream, and what its run amounts to.
 * `read` is fed every stdout line in order; `finish` is called once the process has exited.
 */
export interface AgentAdapter {
  readonly kind: 'claudecode' | 'opencode';
  invocation(request: AgentInvocationRequest): AgentInvocation;
  /** A fresh reader for one run's stdout. */
  reader(): AgentStreamReader;
}

export interface AgentStreamReader {
  /** Log entries for one stdout line (none for lines that carry nothing to show). */
  read(line: string): AgentLogEntry[];
  /** The session id, as soon as the stream named it. */
  readonly sessionId: string | undefined;
  finish(exit: AgentExit): AgentRunOutcome;
}
