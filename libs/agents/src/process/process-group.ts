/**
 * Process-group signalling. Every child we start leads its own group (spawned detached), so a
 * signal to `-pid` reaches it and everything it started that did not leave the group.
 */

/**
 * Told of every process group a run starts, synchronously right after the spawn, and when nothing
 * of it is left. A runner writes these down, so that when it is killed (SIGKILL runs no exit hook)
 * its next life can find the groups it left behind and stop them.
 */
export interface ProcessRecorder {
  started(pgid: number, command: string): void;
  ended(pgid: number): void;
}

/** Sends `signal` to the whole group; a group that is already gone is not an error. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    if (signal !== 'SIGKILL') process.kill(-pgid, 'SIGCONT'); // a stopped process cannot act on SIGTERM
    process.kill(-pgid, signal);
  } catch (error) {
    if (!isGoneOrForeign(error)) throw error;
  }
}

// Duck-typed on `code`: errors from Node internals may come from another realm (e.g. Jest's VM).
const isGoneOrForeign = (error: unknown): boolean => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'ESRCH' || code === 'EPERM';
};

// Groups still running when this Node process exits are killed with it: no orphans after a crash
// or `process.exit()` of the runner.
const liveGroups = new Set<number>();
let exitHookInstalled = false;

export function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const group of liveGroups) killProcessGroup(group, 'SIGKILL');
    });
  }
}

export function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}
