import { stripVTControlCharacters } from 'node:util';
import type { GateRunJob } from '@orkestra/domain';
import { runProcess, type OutputStream } from '../process/run-process.js';
import type { ProcessRecorder } from '../process/process-group.js';
import { TailBuffer } from './tail-buffer.js';

export interface GateRunOptions {
  /** The Trak's worktree: the gate's cwd. */
  readonly worktree: string;
  readonly projectRoot: string;
  /** More variables for the script (added under the job's `ORKESTRA_*` ones). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Each output line, ANSI-stripped, in the order it arrived. */
  readonly onLine?: (stream: OutputStream, line: string) => void;
  /** Interrupting the Trak kills the gate. */
  readonly signal?: AbortSignal;
  /** Where PATH and HOME come from; default this process's environment. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Characters of output kept (the tail). Default 20,000. */
  readonly maxOutputChars?: number;
  /** SIGTERM → SIGKILL grace for the process tree. */
  readonly killGraceMs?: number;
  /** Told of the script's process group (see {@link ProcessRecorder}). */
  readonly recorder?: ProcessRecorder;
}

export interface GateRunResult {
  /** The script's exit code; null when it was killed (timeout, abort) or could not start. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** stdout and stderr interleaved, ANSI-stripped, the last `maxOutputChars` with a marker if cut. */
  readonly output: string;
  /** Size of everything the script printed, before stripping and cutting. */
  readonly fullOutputBytes: number;
  readonly durationMs: number;
}

export const GATE_OUTPUT_LIMIT = 20_000;

/** The script's whole environment: PATH, HOME, the job's `ORKESTRA_*` variables and the paths. */
export function gateEnvironment(job: GateRunJob, options: GateRunOptions): Record<string, string> {
  const base = options.baseEnv ?? process.env;
  const inherited = Object.fromEntries(
    (['PATH', 'HOME'] as const).flatMap((key) => (base[key] !== undefined ? [[key, base[key]] as const] : [])),
  );
  const orkestra = Object.fromEntries(Object.entries(job.env).filter(([key]) => key.startsWith('ORKESTRA_')));
  return {
    ...inherited,
    ...options.extraEnv,
    ...orkestra,
    ORKESTRA_WORKTREE: options.worktree,
    // The original's name, so existing check scripts keep working.
    ORKESTRA_WORKTREE_PATH: options.worktree,
    ORKESTRA_PROJECT_ROOT: options.projectRoot,
  };
}

/** Runs a script gate: `sh -c <command>` in the worktree, with a clean environment (ORKESTRA-SPEC §5). */
export async function runGate(job: GateRunJob, options: GateRunOptions): Promise<GateRunResult> {
  const tail = new TailBuffer(options.maxOutputChars ?? GATE_OUTPUT_LIMIT);
  let fullOutputBytes = 0;

  try {
    const result = await runProcess({
      command: 'sh',
      args: ['-c', job.command],
      cwd: options.worktree,
      env: gateEnvironment(job, options),
      timeoutMs: job.timeoutSeconds * 1000,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.killGraceMs !== undefined && { killGraceMs: options.killGraceMs }),
      ...(options.recorder !== undefined && { recorder: options.recorder }),
      onLine: (stream, raw) => {
        fullOutputBytes += Buffer.byteLength(raw) + 1;
        const line = stripVTControlCharacters(raw);
        tail.append(`${line}\n`);
        options.onLine?.(stream, line);
      },
    });
    const output = tail.text().replace(/\n$/, '');
    const killed = result.timedOut || result.aborted;
    return {
      exitCode: killed ? null : result.exitCode,
      timedOut: result.timedOut,
      aborted: result.aborted,
      output: result.timedOut ? `Script timed out after ${formatSeconds(result.durationMs)}\n${output}` : output,
      fullOutputBytes,
      durationMs: result.durationMs,
    };
  } catch (error) {
    const message = typeof error === 'object' && error !== null ? String((error as { message?: unknown }).message) : String(error);
    return { exitCode: null, timedOut: false, aborted: false, output: `Gate could not start: ${message}`, fullOutputBytes: 0, durationMs: 0 };
  }
}

const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
