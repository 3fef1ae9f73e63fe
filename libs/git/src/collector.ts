import { readdir } from 'node:fs/promises';
import { directorySize } from './disk-usage.js';
import type { RunnerLayout } from './runner-layout.js';
import type { Worktrees } from './worktrees.js';

/** A Trak by project. */
export interface TrakKey {
  readonly projectId: string;
  readonly trakId: string;
}

/** Disk use of one project on this runner. */
export interface ProjectDiskUsage {
  readonly projectId: string;
  readonly mirrorBytes: number;
  /** Trak worktrees plus the runner's integration worktree. */
  readonly worktreeBytes: number;
  readonly totalBytes: number;
}

const dirNames = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);

/** Removes worktrees of finished or abandoned Traks and reports disk use per project. */
export class WorktreeCollector {
  constructor(
    private readonly layout: RunnerLayout,
    private readonly worktrees: Worktrees,
  ) {}

  /** Removes every worktree on this runner, and its local branch, whose Trak is not in `active`. Returns those removed. */
  async collect(active: Iterable<TrakKey>): Promise<TrakKey[]> {
    const keep = new Set([...active].map((trak) => `${trak.projectId}/${trak.trakId}`));
    const removed: TrakKey[] = [];
    for (const projectId of await dirNames(this.layout.worktreesDir)) {
      for (const trakId of await this.worktrees.trakIds(projectId)) {
        if (keep.has(`${projectId}/${trakId}`)) continue;
        await this.worktrees.remove(projectId, trakId);
        removed.push({ projectId, trakId });
      }
    }
    return removed;
  }

  /** Bytes per project with a mirror or worktrees on this runner, sorted by project id. */
  async diskUsage(): Promise<ProjectDiskUsage[]> {
    const mirrors = (await dirNames(this.layout.mirrorsDir)).filter((name) => name.endsWith('.git')).map((name) => name.slice(0, -4));
    const projects = new Set([...mirrors, ...(await dirNames(this.layout.worktreesDir)), ...(await dirNames(this.layout.integrationDir))]);
    const usage: ProjectDiskUsage[] = [];
    for (const projectId of [...projects].sort()) {
      const mirrorBytes = await directorySize(this.layout.mirror(projectId));
      const worktreeBytes =
        (await directorySize(this.layout.projectWorktrees(projectId))) + (await directorySize(this.layout.integrationWorktree(projectId)));
      usage.push({ projectId, mirrorBytes, worktreeBytes, totalBytes: mirrorBytes + worktreeBytes });
    }
    return usage;
  }
}
