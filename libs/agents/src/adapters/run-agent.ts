import { isProcessSpawnError, runProcess } from '../process/index.js';
import type { ProcessRecorder } from '../process/index.js';
import type { AgentAdapter, AgentInvocationRequest, AgentLogEntry, AgentRunOutcome } from './agent.types.js';

/** No output at all for this long means the agent hangs (ORKESTRA-SPEC: stalled). */
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;
const STDERR_TAIL_LINES = 20;

export interface RunAgentOptions {
  readonly adapter: AgentAdapter;
  readonly request: AgentInvocationRequest;
  /**
   * The agent's environment, whole: nothing else of the runner's is passed on (no secrets it
   * was not meant to see, no ORKESTRA_* variables). The adapter adds its own flags to it.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly stallTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Every log entry as it happens; a session entry comes as soon as the CLI names its session. */
  readonly onEntry?: (entry: AgentLogEntry) => void;
  readonly onStderr?: (line: string) => void;
  /** Told of the CLI's process group (see {@link ProcessRecorder}). */
  readonly recorder?: ProcessRecorder;
}

/**
 * Runs one agent session to its end and says what it amounts to. Never throws for the agent's
 * sake: a CLI that cannot start is a `SpawnFailed` failure like any other.
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentRunOutcome> {
  const invocation = options.adapter.invocation(options.request);
  const reader = options.adapter.reader();
  const stderr: string[] = [];
  try {
    const exit = await runProcess({
      command: invocation.command,
      args: invocation.args,
      cwd: options.request.cwd,
      env: { ...options.env, ...invocation.env },
      stdin: invocation.stdin,
      timeoutMs: options.timeoutMs,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.recorder !== undefined && { recorder: options.recorder }),
      onLine: (stream, line) => {
        if (stream === 'stdout') {
          for (const entry of reader.read(line)) options.onEntry?.(entry);
          return;
        }
        stderr.push(line);
        if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
        options.onStderr?.(line);
      },
    });
    return reader.finish({ ...exit, stderrTail: stderr.join('\n') });
  } catch (error) {
    if (!isProcessSpawnError(error)) throw error;
    return { kind: 'failed', reason: 'SpawnFailed', message: error.message };
  }
}
