import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { procStat } from './process-records.js';

/** Another live runner process works in the data dir. */
export class DataDirInUseError extends Error {
  readonly code = 'RUNNER.DATA_DIR_IN_USE' as const;
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The runner data dir ${dataDir} is in use by another runner process (pid ${ownerPid}): give each runner its own ORK_RUNNER_DATA_DIR (dataDir), or stop that runner first`,
    );
    this.name = 'DataDirInUseError';
  }
}

interface LockOwner {
  readonly pid: number;
  readonly startTime: string;
  readonly incarnation: string;
  readonly since: string;
}

/** The data dir's lock, held while the runner works; `release` gives it up. */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes `<data dir>/runner.lock` for this runner process. A runner works alone in its data dir:
 * its locks on worktrees are in-process, and at start it stops every process group and removes
 * every temp file the data dir's previous runner left. A lock whose process is gone (killed,
 * crashed) is taken over; one whose process lives is refused with {@link DataDirInUseError}. The
 * same process may take it again (a runner restarted inside one process, as the embedded mode does).
 */
export function lockDataDir(dataDir: string, incarnation: string, now: () => Date = () => new Date()): DataDirLock {
  const file = path.join(dataDir, 'runner.lock');
  const self = procStat(process.pid);
  const owner: LockOwner = { pid: process.pid, startTime: self?.startTime ?? '', incarnation, since: now().toISOString() };
  mkdirSync(dataDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(owner));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const holder = holderOf(file);
      if (holder !== undefined && holder.pid !== process.pid && alive(holder)) throw new DataDirInUseError(dataDir, holder.pid);
      // Another runner took it between our look and our try: it is theirs.
      if (attempt > 0) throw new DataDirInUseError(dataDir, holder?.pid ?? 0);
      // Left by a runner that is gone (or by this process): take it over.
      unlinkQuietly(file);
    }
  }
  return {
    release: () => {
      if (holderOf(file)?.incarnation === incarnation) unlinkQuietly(file);
    },
  };
}

function holderOf(file: string): LockOwner | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.startTime !== 'string') return undefined;
    return { pid: value.pid, startTime: value.startTime, incarnation: String(value.incarnation ?? ''), since: String(value.since ?? '') };
  } catch {
    // Unreadable or half written: nobody holds it.
    return undefined;
  }
}

function alive(owner: LockOwner): boolean {
  const stat = procStat(owner.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.startTime === owner.startTime;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already
  }
}
