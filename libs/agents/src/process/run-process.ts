import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { LineSplitter } from './line-splitter.js';
import { killProcessGroup, trackGroup, untrackGroup } from './process-group.js';
import type { ProcessRecorder } from './process-group.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The child's whole environment: nothing is inherited from this process. */
  readonly env: Readonly<Record<string, string>>;
  /** Written to the child's stdin, which is then closed. Without it stdin is `/dev/null`. */
  readonly stdin?: string;
  /** Wall-clock limit (start to close). */
  readonly timeoutMs: number;
  /** Kill the process when neither stdout nor stderr produced a byte for this long. */
  readonly stallTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called once per complete line (without its line ending), in the order the bytes arrived. */
  readonly onLine?: (stream: OutputStream, line: string) => void;
  /** Time between SIGTERM and SIGKILL to the process group. Default 2000 ms. */
  readonly killGraceMs?: number;
  /** Told of the process group as soon as it exists and once nothing of it is left. */
  readonly recorder?: ProcessRecorder;
}

export interface ProcessResult {
  /** The leader's exit code; null when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended the leader, e.g. `SIGTERM`. */
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly stalled: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
  /** The leader's pid (also the process-group id); absent when the run was aborted before spawning. */
  readonly pid?: number;
}

/** The command could not be started at all (missing binary, bad cwd, …). */
export class ProcessSpawnError extends Error {
  override readonly name = 'ProcessSpawnError';
  constructor(
    readonly command: string,
    cause: unknown,
  ) {
    super(`Could not start "${command}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export const isProcessSpawnError = (error: unknown): error is ProcessSpawnError =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ProcessSpawnError';

const DEFAULT_KILL_GRACE_MS = 2_000;
/** After the leader is gone and the group was killed, how long to wait for pipes held by escapees. */
const PIPE_DRAIN_MS = 1_000;

type StopCause = 'timeout' | 'stall' | 'abort';

/** A recorder that fails must not break the run or leave its process behind. */
const tell = (record: () => void): void => {
  try {
    record();
  } catch {
    // the recorder reports its own trouble
  }
};

/**
 * Runs one command as the leader of its own process group, streams its output line by line and
 * makes sure that nothing of the group survives the call: on timeout, stall or abort the group gets
 * SIGTERM then SIGKILL; when the leader exits by itself, whatever it left behind in the group is
 * killed the same way. Rejects only with {@link ProcessSpawnError}.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);

  if (options.signal?.aborted) {
    return Promise.resolve({ exitCode: null, timedOut: false, stalled: false, aborted: true, durationMs: elapsed() });
  }

  return new Promise<ProcessResult>((resolve, reject) => {
    const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void): NodeJS.Timeout => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
      return t;
    };

    let child;
    try {
      child = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        env: { ...options.env },
        detached: true,
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      reject(new ProcessSpawnError(options.command, error));
      return;
    }
    const pid = child.pid;

    let cause: StopCause | undefined;
    let settled = false;
    let killing = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let stallTimer: NodeJS.Timeout | undefined;

    const killGroup = (): void => {
      if (killing || pid === undefined) return;
      killing = true;
      killProcessGroup(pid, 'SIGTERM');
      later(killGraceMs, () => killProcessGroup(pid, 'SIGKILL'));
    };
    const stop = (why: StopCause): void => {
      if (cause !== undefined || exit !== undefined) return;
      cause = why;
      killGroup();
    };

    const onAbort = (): void => stop('abort');
    const cleanup = (): void => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      options.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) untrackGroup(pid);
    };

    const emit = (stream: OutputStream) => (line: string) => {
      try {
        options.onLine?.(stream, line);
      } catch {
        // A failing listener must not break the run or leave the process behind.
      }
    };
    const splitters = { stdout: new LineSplitter(emit('stdout')), stderr: new LineSplitter(emit('stderr')) };

    const armStall = (): void => {
      if (options.stallTimeoutMs === undefined) return;
      if (stallTimer !== undefined) {
        clearTimeout(stallTimer);
        timers.delete(stallTimer);
      }
      stallTimer = later(options.stallTimeoutMs, () => stop('stall'));
    };

    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (chunk: Buffer) => {
        armStall();
        splitters[stream].push(chunk);
      });
    }

    child.on('error', (error) => {
      if (pid === undefined && !settled) {
        settled = true;
        cleanup();
        reject(new ProcessSpawnError(options.command, error));
      }
    });

    if (pid === undefined) return; // 'error' follows
    trackGroup(pid);
    tell(() => options.recorder?.started(pid, options.command));

    if (options.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {
        // EPIPE when the child exits without reading its input: not our failure.
      });
      child.stdin.end(options.stdin);
    }

    later(options.timeoutMs, () => stop('timeout'));
    armStall();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (settled) return;
      settled = true;
      splitters.stdout.flush();
      splitters.stderr.flush();
      cleanup();
      // Whatever of the group is still there (it ignored SIGTERM, or let go of our pipes) dies now.
      if (pid !== undefined && (killing || exit !== undefined)) killProcessGroup(pid, 'SIGKILL');
      if (pid !== undefined) tell(() => options.recorder?.ended(pid));
      const result: ProcessResult = {
        exitCode: exit?.code ?? null,
        timedOut: cause === 'timeout',
        stalled: cause === 'stall',
        aborted: cause === 'abort',
        durationMs: elapsed(),
        pid,
      };
      resolve(exit?.signal ? { ...result, signal: exit.signal } : result);
    };

    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // The leader is gone; anything it left in its group (background jobs) goes too. Those may hold
      // our pipes open, so 'close' would otherwise wait for them.
      killGroup();
      later(killGraceMs + PIPE_DRAIN_MS, () => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      });
    });
    child.on('close', finish);
  });
}
