import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { git } from './git-exec.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { ProjectRepo } from './project-repo.js';
import type { RunnerLayout } from './runner-layout.js';

/** The remote name inside every mirror. Remote branches land in `refs/remotes/origin/*`. */
export const REMOTE = 'origin';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * One bare repository per project under `<root>/mirrors/<projectId>.git`, fetching the project's
 * remote into `refs/remotes/origin/*`. Local branches (`refs/heads/*`) belong to the Trak worktrees,
 * so a fetch never moves a branch someone has checked out.
 */
export class Mirrors {
  constructor(
    private readonly layout: RunnerLayout,
    private readonly mutex: KeyedMutex,
  ) {}

  /** The mirror's path (it may not exist yet). */
  path(projectId: string): string {
    return this.layout.mirror(projectId);
  }

  /** Whether the project's mirror has been created on this runner. */
  exists(projectId: string): Promise<boolean> {
    return exists(path.join(this.path(projectId), 'HEAD'));
  }

  /**
   * Creates the mirror if missing, points it at `project.remoteUrl`, and fetches (pruning deleted
   * branches). Serialised with every other change to the same mirror. Returns the mirror path.
   */
  async sync(project: ProjectRepo): Promise<string> {
    const mirror = this.path(project.projectId);
    return this.mutex.run(mirror, async () => {
      if (!(await this.exists(project.projectId))) await this.create(mirror, project.remoteUrl);
      const configured = await git(['config', '--get', `remote.${REMOTE}.url`], { cwd: mirror, allowFailure: true });
      if (configured.stdout.trim() !== project.remoteUrl) {
        await git(['remote', 'set-url', REMOTE, project.remoteUrl], { cwd: mirror });
      }
      await git(['fetch', '--prune', '--quiet', REMOTE], { cwd: mirror });
      return mirror;
    });
  }

  /** Builds the bare repository in a scratch dir and renames it into place, so a crash leaves no half mirror. */
  private async create(mirror: string, remoteUrl: string): Promise<void> {
    await mkdir(path.dirname(mirror), { recursive: true });
    const scratch = `${mirror}.tmp-${randomUUID()}`;
    try {
      await git(['init', '--bare', '--quiet', scratch], { cwd: path.dirname(mirror) });
      await git(['remote', 'add', REMOTE, remoteUrl], { cwd: scratch });
      await git(['config', `remote.${REMOTE}.fetch`, `+refs/heads/*:refs/remotes/${REMOTE}/*`], { cwd: scratch });
      // Objects only change through fetch and commits here; gc in the background would race worktree commands.
      await git(['config', 'gc.autoDetach', 'false'], { cwd: scratch });
      await rm(mirror, { recursive: true, force: true });
      await rename(scratch, mirror);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}
