import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What the proc filesystem says of a process: enough to tell it from a later one with the same pid. */
export interface ProcStat {
  /** R, S, D, T, Z (zombie), X (dead)… */
  readonly state: string;
  readonly pgrp: number;
  /** Clock ticks since boot when it started: with the pid, names one process for the machine's uptime. */
  readonly startTime: string;
}

/** `/proc/<pid>/stat`, or undefined once the process is gone. Linux only. */
export function procStat(pid: number, proc = '/proc'): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(path.join(proc, String(pid), 'stat'), 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice num_threads itrealvalue starttime …; comm may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, , pgrp] = fields;
  const startTime = fields[19];
  if (state === undefined || pgrp === undefined || startTime === undefined) return undefined;
  return { state, pgrp: Number(pgrp), startTime };
}

const living = (stat: ProcStat | undefined): stat is ProcStat => stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';

/** One process group a runner started, written down while it runs. */
export const processRecordSchema = z.object({
  /** The group's leader; its pid is the group id. */
  pgid: z.number().int().positive(),
  /** The leader's start time (`/proc/<pid>/stat`), so a pid used again by another process is not taken for it. */
  startTime: z.string().min(1),
  command: z.string(),
  /** What it is for: an agent CLI, a gate, a worktree's setup script. */
  what: z.enum(['agent', 'gate', 'setup']),
  jobId: z.string().optional(),
  trakId: z.string().optional(),
  /** The runner process that started it: while that one lives, the group is not a leftover. */
  owner: z.object({ pid: z.number().int().positive(), startTime: z.string(), incarnation: z.string() }),
  recordedAt: z.string(),
});

export type ProcessRecord = z.infer<typeof processRecordSchema>;

/** What a recorder is for; the job fields name it in the log when a later life stops it. */
export interface RecordedWork {
  readonly what: ProcessRecord['what'];
  readonly jobId?: string;
  readonly trakId?: string;
}

export interface ProcessRecordsOptions {
  /** `<data dir>/processes`: one file per live group. */
  readonly dir: string;
  /** This runner's life, written into each record. */
  readonly incarnation: string;
  /** SIGTERM → SIGKILL for a leftover group. Default 3 s. */
  readonly killGraceMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => Date;
  /** The proc filesystem (tests may point elsewhere). Default `/proc`. */
  readonly proc?: string;
}

/** How long stopLeftovers waits for a group to be gone after SIGKILL before it says so and goes on. */
const KILLED_WAIT_MS = 2_000;
const POLL_MS = 50;

/**
 * The process groups a runner started (agent CLIs, gates, setup scripts), one file each under
 * `<data dir>/processes/`, written synchronously as soon as the group exists and removed once
 * nothing of it is left. A runner killed with SIGKILL runs no exit hook, so its agents would go on
 * working in worktrees whose jobs run again elsewhere; its next life calls {@link stopLeftovers}
 * before it takes any work, and stops every group the previous one left (SIGTERM, then SIGKILL).
 *
 * A pid the kernel gave to another process since is told apart by the leader's start time. When
 * the leader is gone, the group's id cannot have been reused while members are left (Linux does
 * not hand out a pid that is some group's id), so its members are the leftover's.
 */
export class ProcessRecords {
  private readonly owner: ProcessRecord['owner'];

  constructor(private readonly options: ProcessRecordsOptions) {
    const self = procStat(process.pid, this.proc);
    this.owner = { pid: process.pid, startTime: self?.startTime ?? '', incarnation: options.incarnation };
  }

  /** A recorder for the groups of one piece of work: `started` writes the record, `ended` removes it. */
  recorder(work: RecordedWork): { started(pgid: number, command: string): void; ended(pgid: number): void } {
    return {
      started: (pgid, command) => this.write(pgid, command, work),
      ended: (pgid) => this.remove(pgid),
    };
  }

  /**
   * Stops every group a previous life of this runner left behind and forgets its record; logs each
   * one it stopped. A record whose runner is still alive (another runner process on the same data
   * dir) is left alone. Returns how many groups it stopped.
   */
  async stopLeftovers(): Promise<number> {
    let stopped = 0;
    for (const file of this.files()) {
      const record = this.read(file);
      if (record === undefined) continue;
      if (record.owner.pid !== this.owner.pid && this.sameProcess(record.owner.pid, record.owner.startTime)) {
        this.log('a process group recorded under this data dir belongs to another live runner; left alone (run one runner per data dir)', {
          pgid: record.pgid,
          ownerPid: record.owner.pid,
          jobId: record.jobId,
        });
        continue;
      }
      if (record.owner.pid === this.owner.pid && record.owner.startTime === this.owner.startTime) continue; // ours, running
      const members = this.members(record);
      if (members.length > 0) {
        const signal = await this.stopGroup(record.pgid);
        stopped++;
        this.log('stopped a process group a previous life of this runner left behind', {
          pgid: record.pgid,
          pids: members,
          what: record.what,
          command: record.command,
          jobId: record.jobId,
          trakId: record.trakId,
          previousIncarnation: record.owner.incarnation,
          recordedAt: record.recordedAt,
          signal,
        });
      }
      this.unlink(file);
    }
    return stopped;
  }

  private get proc(): string {
    return this.options.proc ?? '/proc';
  }

  private write(pgid: number, command: string, work: RecordedWork): void {
    const stat = procStat(pgid, this.proc);
    // Gone already (it exited at once): nothing to stop later.
    if (stat === undefined) return;
    const record: ProcessRecord = {
      pgid,
      startTime: stat.startTime,
      command,
      what: work.what,
      ...(work.jobId !== undefined && { jobId: work.jobId }),
      ...(work.trakId !== undefined && { trakId: work.trakId }),
      owner: this.owner,
      recordedAt: (this.options.now ?? (() => new Date()))().toISOString(),
    };
    try {
      mkdirSync(this.options.dir, { recursive: true });
      // Whole or not at all: a record half written when the runner dies would name nothing.
      const file = this.file(pgid);
      writeFileSync(`${file}.tmp`, JSON.stringify(record));
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      this.log('could not record a process group; if this runner is killed, its next start will not find it', { pgid, dir: this.options.dir, error: String(error) });
    }
  }

  private remove(pgid: number): void {
    this.unlink(this.file(pgid));
  }

  private file(pgid: number): string {
    return path.join(this.options.dir, `${pgid}.json`);
  }

  private files(): string[] {
    try {
      return readdirSync(this.options.dir)
        .filter((name) => name.endsWith('.json') || name.endsWith('.json.tmp'))
        .map((name) => path.join(this.options.dir, name));
    } catch {
      return [];
    }
  }

  private read(file: string): ProcessRecord | undefined {
    if (file.endsWith('.tmp')) {
      // Never renamed: the runner died while writing it, before the record existed.
      this.unlink(file);
      return undefined;
    }
    let parsed: ProcessRecord | undefined;
    try {
      parsed = processRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      this.log('a process record is unreadable; removed', { file, error: error instanceof Error ? error.message : String(error) });
      this.unlink(file);
    }
    return parsed;
  }

  /** Whether `pid` is still the process that started at `startTime`. */
  private sameProcess(pid: number, startTime: string): boolean {
    const stat = procStat(pid, this.proc);
    return living(stat) && stat.startTime === startTime;
  }

  /** The live processes of the recorded group, none when its id now names someone else's group. */
  private members(record: ProcessRecord): number[] {
    const leader = procStat(record.pgid, this.proc);
    if (leader !== undefined && leader.startTime !== record.startTime) return [];
    return this.groupMembers(record.pgid);
  }

  private groupMembers(pgid: number): number[] {
    const pids: number[] = [];
    let names: string[];
    try {
      names = readdirSync(this.proc);
    } catch {
      return pids;
    }
    for (const name of names) {
      if (!/^\d+$/.test(name)) continue;
      const stat = procStat(Number(name), this.proc);
      if (living(stat) && stat.pgrp === pgid) pids.push(Number(name));
    }
    return pids;
  }

  /** SIGTERM to the group, SIGKILL after the grace; the signal that ended it. */
  private async stopGroup(pgid: number): Promise<'SIGTERM' | 'SIGKILL'> {
    signalGroup(pgid, 'SIGCONT'); // a stopped process cannot act on SIGTERM
    signalGroup(pgid, 'SIGTERM');
    if (await this.goneWithin(pgid, this.options.killGraceMs ?? 3_000)) return 'SIGTERM';
    signalGroup(pgid, 'SIGKILL');
    if (!(await this.goneWithin(pgid, KILLED_WAIT_MS))) {
      this.log('a leftover process group survived SIGKILL', { pgid, pids: this.groupMembers(pgid) });
    }
    return 'SIGKILL';
  }

  private async goneWithin(pgid: number, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    for (;;) {
      if (this.groupMembers(pgid).length === 0) return true;
      if (Date.now() >= end) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private unlink(file: string): void {
    try {
      unlinkSync(file);
    } catch {
      // gone already
    }
  }

  private log(message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(message, fields);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // gone, or not ours to signal
  }
}
