import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether a process with this id exists (one of another user's counts too) and has not ended (a zombie waiting to be reaped has). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** Linux: the state in `/proc/<pid>/stat` is Z (or X); elsewhere nobody says, so no. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/**
 * When the process started, as an opaque string that tells two processes with the same id apart
 * (an id is reused once its process is gone): the start time in clock ticks from `/proc` on
 * Linux, else `ps`'s start time. Undefined when neither can say (then only the id is compared).
 */
export async function startTimeOf(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (start !== undefined && start !== '') return `ticks:${start}`;
  } catch {
    // Not Linux, or the process is gone: ask ps.
  }
  try {
    const { stdout } = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
    const started = stdout.trim();
    return started === '' ? undefined : `ps:${started}`;
  } catch {
    return undefined;
  }
}

/** Resolves once the process is gone, or false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}
