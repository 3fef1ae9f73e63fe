import { access } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { SetupScriptError } from './git.errors.js';
import { DEFAULT_SETUP_SCRIPTS } from './project-repo.js';

/**
 * Told of the setup script's process group as soon as it runs and when it exited, so a runner
 * can stop what it left behind after a crash (same shape as `ProcessRecorder` of `@orkestra/agents`).
 */
export interface SetupProcessRecorder {
  started(pgid: number, command: string): void;
  ended(pgid: number): void;
}

/** How to run a worktree's setup script. */
export interface SetupScriptOptions {
  /** Relative to the worktree, or absolute; unset → the first existing of {@link DEFAULT_SETUP_SCRIPTS}. */
  readonly script?: string;
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly recorder?: SetupProcessRecorder;
}

/** A setup script that ran to a zero exit. */
export interface SetupScriptRun {
  readonly script: string;
  readonly output: string;
  readonly durationMs: number;
}

export const DEFAULT_SETUP_TIMEOUT_MS = 10 * 60_000;
/** Output kept for errors and results: the tail, where failures usually explain themselves. */
export const SETUP_OUTPUT_LIMIT = 16 * 1024;
const KILL_GRACE_MS = 2_000;

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

const tail = (text: string): string => (text.length > SETUP_OUTPUT_LIMIT ? `…${text.slice(-SETUP_OUTPUT_LIMIT)}` : text);

async function findScript(worktreePath: string, configured: string | undefined): Promise<string | undefined> {
  if (configured !== undefined) {
    const script = path.resolve(worktreePath, configured);
    if (!(await exists(script))) throw new SetupScriptError(configured, undefined, false, 'the configured setup script does not exist');
    return script;
  }
  for (const candidate of DEFAULT_SETUP_SCRIPTS) {
    const script = path.join(worktreePath, candidate);
    if (await exists(script)) return script;
  }
  return undefined;
}

/** A recorder that fails must not fail the setup. */
const tell = (record: () => void): void => {
  try {
    record();
  } catch {
    // the recorder reports its own trouble
  }
};

/** Kills the script's whole process group (a setup script's children must not outlive it). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Runs `bash <script> <worktreePath>` with the worktree as cwd, in its own process group, killed
 * with the group after `timeoutMs`. Returns undefined when there is no script to run; throws
 * {@link SetupScriptError} with the tail of its combined output on a non-zero exit or timeout.
 */
export async function runSetupScript(worktreePath: string, options: SetupScriptOptions = {}): Promise<SetupScriptRun | undefined> {
  const script = await findScript(worktreePath, options.script);
  if (script === undefined) return undefined;
  const started = performance.now();
  const child = execa('bash', [script, worktreePath], {
    cwd: worktreePath,
    env: { ORKESTRA_WORKTREE_PATH: worktreePath, ...options.env },
    all: true,
    reject: false,
    detached: true,
    stdin: 'ignore',
  });
  const pid = child.pid;
  if (pid !== undefined) tell(() => options.recorder?.started(pid, 'bash'));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
  }, options.timeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS);
  const result = await child.finally(() => {
    clearTimeout(timer);
    if (pid !== undefined) tell(() => options.recorder?.ended(pid));
  });
  const output = tail(result.all ?? '');
  const relative = path.relative(worktreePath, script) || script;
  if (timedOut || result.exitCode !== 0) throw new SetupScriptError(relative, result.exitCode, timedOut, output);
  return { script: relative, output, durationMs: Math.round(performance.now() - started) };
}
