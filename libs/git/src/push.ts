import { GitCommandError, PushRejectedError } from './git.errors.js';
import { git, isAncestor, resolveCommit } from './git-exec.js';
import { REMOTE } from './mirrors.js';

/** A branch now on the remote. */
export interface PushResult {
  readonly branch: string;
  readonly commit: string;
}

const REJECTED = /\[(remote )?rejected\]|non-fast-forward|fetch first|stale info/i;

/** The branch checked out in `worktreePath`; throws when HEAD is detached. */
export async function currentBranch(worktreePath: string): Promise<string> {
  return (await git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: worktreePath })).stdout.trim();
}

/** Options of {@link push}. */
export interface PushOptions {
  /**
   * Allow replacing commits the remote branch has and this worktree does not (after a squash).
   * Without it a push only adds commits: if the last fetch saw the remote branch move on (another
   * runner, a merged Subtrak), {@link PushRejectedError} is thrown instead of overwriting.
   */
  readonly rewrite?: boolean;
}

/**
 * Pushes the worktree's (Trak) branch to the project remote, always with a lease: the remote must
 * still be where this runner last fetched it, or {@link PushRejectedError} is thrown rather than
 * overwriting another runner's work. Only {@link PushOptions.rewrite} lets it drop remote commits.
 */
export async function push(worktreePath: string, options: PushOptions = {}): Promise<PushResult> {
  const branch = await currentBranch(worktreePath);
  const ref = `refs/heads/${branch}`;
  const expected = await resolveCommit(worktreePath, `refs/remotes/${REMOTE}/${branch}`);
  if (expected !== undefined && !options.rewrite && !(await isAncestor(worktreePath, expected, 'HEAD'))) {
    throw new PushRejectedError(ref, `the remote branch has commits (${expected}) that this worktree lacks`);
  }
  await pushRef(worktreePath, ['--force-with-lease=' + `${ref}:${expected ?? ''}`, REMOTE, `HEAD:${ref}`], ref);
  return { branch, commit: (await git(['rev-parse', 'HEAD'], { cwd: worktreePath })).stdout.trim() };
}

/**
 * Fast-forwards `branch` on the remote to the worktree's HEAD, never forcing; throws
 * {@link PushRejectedError} when the remote moved on.
 */
export async function pushFastForward(worktreePath: string, branch: string): Promise<void> {
  const ref = `refs/heads/${branch}`;
  await pushRef(worktreePath, [REMOTE, `HEAD:${ref}`], ref);
}

async function pushRef(worktreePath: string, args: readonly string[], ref: string): Promise<void> {
  const command = ['push', '--quiet', '--no-verify', ...args];
  const result = await git(command, { cwd: worktreePath, allowFailure: true });
  if (result.exitCode === 0) return;
  if (REJECTED.test(result.stderr)) throw new PushRejectedError(ref, result.stderr);
  throw new GitCommandError(command, worktreePath, result.exitCode, result.stderr);
}
