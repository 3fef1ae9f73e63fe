import { access, mkdir, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoRef } from '@orkestra/domain';
import { catchUpWithRemote } from './catch-up.js';
import { copyIgnoredFiles } from './copy-ignored.js';
import { ensureExcluded } from './exclude.js';
import { BaseBranchNotFoundError, InvalidGitNameError } from './git.errors.js';
import { git, isAncestor, resolveCommit } from './git-exec.js';
import type { KeyedMutex } from './keyed-mutex.js';
import { REMOTE, type Mirrors } from './mirrors.js';
import { EXCLUDED_PATHS, type ProjectRepo } from './project-repo.js';
import type { RunnerLayout } from './runner-layout.js';
import { runSetupScript, type SetupProcessRecorder, type SetupScriptRun } from './setup-script.js';
import { listWorktrees, type WorktreeEntry } from './worktree-list.js';

/** Where a worktree's branch came from when it was created. */
export type WorktreeSource =
  /** It already existed on this runner (and was fast-forwarded if the remote branch had moved on). */
  | 'existing'
  /** The branch was on the remote (another runner pushed it): the worktree continues from there. */
  | 'remote-branch'
  /** The branch only existed locally (a worktree removed without deleting its branch). */
  | 'local-branch'
  /** A new branch from `baseCommit`, or the base branch's latest commit on the remote. */
  | 'base';

/** A Trak's worktree on this runner. */
export interface Worktree {
  readonly projectId: string;
  readonly trakId: string;
  readonly path: string;
  readonly branch: string;
  readonly head: string;
  readonly source: WorktreeSource;
  /** The setup script's run, when this call ran one. */
  readonly setup?: SetupScriptRun;
}

/** The Trak a worktree is for. */
export interface TrakWorkspaceRef {
  readonly trakId: string;
  readonly repo: RepoRef;
}

/** Options of {@link Worktrees.create}. */
export interface CreateWorktreeOptions {
  /** Skip copying ignored files and the setup script (default: run them). */
  readonly setup?: boolean;
  /** Told of the setup script's process group. */
  readonly recorder?: SetupProcessRecorder;
}

// Kept in the worktree's own git dir, so it goes when the worktree goes and never shows in `git status`.
const SETUP_MARKER = 'orkestra-setup-done';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

async function assertBranchName(cwd: string, branch: string): Promise<void> {
  const check = await git(['check-ref-format', '--branch', branch], { cwd, allowFailure: true });
  if (check.exitCode !== 0 || branch.startsWith('-')) throw new InvalidGitNameError('branch', branch);
}

/**
 * One worktree per Trak at `<root>/worktrees/<projectId>/<trakId>` on the Trak's branch. Create and
 * remove are idempotent and serialised per repository (keyed by mirror path) and per worktree.
 */
export class Worktrees {
  constructor(
    private readonly layout: RunnerLayout,
    private readonly mirrors: Mirrors,
    private readonly mutex: KeyedMutex,
  ) {}

  /** The path a Trak's worktree has (or would have). */
  path(projectId: string, trakId: string): string {
    return this.layout.worktree(projectId, trakId);
  }

  /**
   * Returns the Trak's worktree, creating it if needed: fetch the mirror, check out `repo.branch`
   * (continuing from the remote branch if another runner pushed it, else new from `baseCommit` or
   * the base branch's latest commit; an existing worktree is fast-forwarded to the remote branch
   * if another runner moved it, or {@link BranchDivergedError} is thrown), exclude `.orkestra/.artifacts/`, copy the ignored files, and
   * run the setup script. A setup that failed runs again on the next call; throws
   * {@link SetupScriptError} with the script's output.
   */
  async create(project: ProjectRepo, trak: TrakWorkspaceRef, options: CreateWorktreeOptions = {}): Promise<Worktree> {
    const target = this.path(project.projectId, trak.trakId);
    return this.mutex.run(`worktree:${target}`, async () => {
      let entry = await this.find(project.projectId, trak.trakId);
      let source: WorktreeSource = 'existing';
      if (entry) {
        await this.mirrors.sync(project);
        if ((await catchUpWithRemote(target)) === 'fast-forwarded') entry = await this.find(project.projectId, trak.trakId);
      }
      if (!entry) {
        const mirror = await this.mirrors.sync(project);
        source = await this.mutex.run(mirror, () => this.add(project.projectId, mirror, target, trak.repo));
        entry = await this.find(project.projectId, trak.trakId);
        if (!entry?.head) throw new Error(`Worktree ${target} is not registered after git worktree add`);
      }
      const setup = options.setup === false ? undefined : await this.setUp(project, target, options.recorder);
      return {
        projectId: project.projectId,
        trakId: trak.trakId,
        path: target,
        branch: entry.branch ?? trak.repo.branch,
        head: entry.head ?? '',
        source,
        ...(setup ? { setup } : {}),
      };
    });
  }

  /**
   * Removes the Trak's worktree and (unless `deleteBranch: false`) its local branch; `branch` names
   * the branch when the worktree is already gone. Returns whether anything was removed.
   */
  async remove(projectId: string, trakId: string, options: { deleteBranch?: boolean; branch?: string } = {}): Promise<boolean> {
    const target = this.path(projectId, trakId);
    const mirror = this.mirrors.path(projectId);
    return this.mutex.run(`worktree:${target}`, () =>
      this.mutex.run(mirror, async () => {
        const dirExisted = await exists(target);
        if (!(await this.mirrors.exists(projectId))) {
          await rm(target, { recursive: true, force: true });
          return dirExisted;
        }
        const entry = await this.entry(mirror, target);
        if (entry && !entry.prunable) {
          const removed = await git(['worktree', 'remove', '--force', '--force', target], { cwd: mirror, allowFailure: true });
          if (removed.exitCode !== 0) await rm(target, { recursive: true, force: true });
        } else {
          await rm(target, { recursive: true, force: true });
        }
        await git(['worktree', 'prune'], { cwd: mirror });
        const branch = entry?.branch ?? options.branch;
        let branchDeleted = false;
        if (options.deleteBranch !== false && branch !== undefined) {
          branchDeleted = (await git(['branch', '-D', '--', branch], { cwd: mirror, allowFailure: true })).exitCode === 0;
        }
        return dirExisted || entry !== undefined || branchDeleted;
      }),
    );
  }

  /** The Trak's worktree as git knows it, if it exists on disk. */
  async find(projectId: string, trakId: string): Promise<WorktreeEntry | undefined> {
    if (!(await this.mirrors.exists(projectId))) return undefined;
    const target = this.path(projectId, trakId);
    const entry = await this.entry(this.mirrors.path(projectId), target);
    return entry && !entry.prunable && (await exists(path.join(target, '.git'))) ? entry : undefined;
  }

  /** Trak ids with a worktree directory for the project on this runner. */
  async trakIds(projectId: string): Promise<string[]> {
    const dir = this.layout.projectWorktrees(projectId);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  }

  private async entry(mirror: string, target: string): Promise<WorktreeEntry | undefined> {
    const real = await realpath(target).catch(() => target);
    return (await listWorktrees(mirror)).find((e) => !e.bare && (e.path === target || e.path === real));
  }

  /** `git worktree add` for the Trak's branch; runs under the mirror's lock. */
  private async add(projectId: string, mirror: string, target: string, repo: RepoRef): Promise<WorktreeSource> {
    await assertBranchName(mirror, repo.branch);
    await git(['worktree', 'prune'], { cwd: mirror });
    await rm(target, { recursive: true, force: true }); // leftovers of a crash: not registered, so not ours to keep
    await mkdir(path.dirname(target), { recursive: true });
    const local = await resolveCommit(mirror, `refs/heads/${repo.branch}`);
    const remote = await resolveCommit(mirror, `refs/remotes/${REMOTE}/${repo.branch}`);
    let source: WorktreeSource;
    if (remote !== undefined && (local === undefined || !(await isAncestor(mirror, remote, local)))) {
      // The remote is the shared truth; local work not on it (remote not an ancestor) loses to it.
      await git(['worktree', 'add', '--quiet', '--no-track', '-B', repo.branch, target, remote], { cwd: mirror });
      source = 'remote-branch';
    } else if (local !== undefined) {
      await git(['worktree', 'add', '--quiet', target, repo.branch], { cwd: mirror });
      source = 'local-branch';
    } else {
      const start = repo.baseCommit ?? (await resolveCommit(mirror, `refs/remotes/${REMOTE}/${repo.baseBranch}`));
      if (start === undefined) throw new BaseBranchNotFoundError(projectId, repo.baseBranch);
      await git(['worktree', 'add', '--quiet', '--no-track', '-b', repo.branch, target, start], { cwd: mirror });
      source = 'base';
    }
    // The exclude file is shared by the mirror's worktrees: write it under the same lock.
    await ensureExcluded(target, EXCLUDED_PATHS);
    return source;
  }

  private async setUp(project: ProjectRepo, target: string, recorder?: SetupProcessRecorder): Promise<SetupScriptRun | undefined> {
    const gitDir = path.resolve(target, (await git(['rev-parse', '--git-dir'], { cwd: target })).stdout.trim());
    const marker = path.join(gitDir, SETUP_MARKER);
    if (await exists(marker)) return undefined;
    const setup = project.setup ?? {};
    if (setup.copyIgnored?.length && setup.copySourceDir !== undefined) {
      await copyIgnoredFiles(setup.copySourceDir, target, setup.copyIgnored);
    }
    const run = await runSetupScript(target, { ...setup, ...(recorder !== undefined && { recorder }) });
    await writeFile(marker, `${new Date().toISOString()}\n`);
    return run;
  }
}
