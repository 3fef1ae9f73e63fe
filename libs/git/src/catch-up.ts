import { BranchDivergedError } from './git.errors.js';
import { git, isAncestor, resolveCommit } from './git-exec.js';
import { REMOTE } from './mirrors.js';
import { currentBranch } from './push.js';

/** How a worktree's branch stood against its remote branch (as last fetched). */
export type CatchUpResult = 'no-remote-branch' | 'up-to-date' | 'fast-forwarded';

/**
 * Fast-forwards the worktree's branch to the remote branch when another runner pushed commits this
 * worktree lacks (uncommitted changes are carried along; git refuses if they collide). Throws
 * {@link BranchDivergedError} when both sides have commits the other lacks. Fetch first.
 */
export async function catchUpWithRemote(worktreePath: string): Promise<CatchUpResult> {
  const branch = await currentBranch(worktreePath);
  const remote = await resolveCommit(worktreePath, `refs/remotes/${REMOTE}/${branch}`);
  if (remote === undefined) return 'no-remote-branch';
  if (await isAncestor(worktreePath, remote, 'HEAD')) return 'up-to-date';
  const head = (await git(['rev-parse', 'HEAD'], { cwd: worktreePath })).stdout.trim();
  if (!(await isAncestor(worktreePath, head, remote))) throw new BranchDivergedError(branch, head, remote);
  await git(['merge', '--quiet', '--ff-only', remote], { cwd: worktreePath });
  return 'fast-forwarded';
}
