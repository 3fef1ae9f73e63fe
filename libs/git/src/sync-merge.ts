import { GitCommandError } from './git.errors.js';
import { identityEnv, type GitIdentity, DEFAULT_GIT_IDENTITY } from './git-identity.js';
import { git, unmergedFiles } from './git-exec.js';

/** How merging the base into a Trak branch went. */
export type SyncMergeResult = { readonly kind: 'clean' } | { readonly kind: 'conflict'; readonly files: readonly string[] };

/**
 * `git merge --no-ff <baseRef>` in the Trak's worktree, so the Trak branch contains the base before
 * it is merged back. On conflicts the merge is left in progress (markers in the files) for an agent
 * or a person to resolve there; nothing is aborted. Other failures throw {@link GitCommandError}.
 */
export async function mergeBaseInto(worktreePath: string, baseRef: string, message: string, identity: GitIdentity = DEFAULT_GIT_IDENTITY): Promise<SyncMergeResult> {
  const args = ['-c', 'commit.gpgsign=false', 'merge', '--quiet', '--no-ff', '--no-verify', '--no-edit', '-m', message, baseRef];
  const result = await git(args, { cwd: worktreePath, env: identityEnv(identity), allowFailure: true });
  if (result.exitCode === 0) return { kind: 'clean' };
  const files = await unmergedFiles(worktreePath);
  if (files.length > 0) return { kind: 'conflict', files };
  throw new GitCommandError(args, worktreePath, result.exitCode, result.stderr || result.stdout);
}

/** Whether a merge is in progress in the worktree (`MERGE_HEAD` exists). */
export async function mergeInProgress(worktreePath: string): Promise<boolean> {
  const result = await git(['rev-parse', '--verify', '--quiet', 'MERGE_HEAD'], { cwd: worktreePath, allowFailure: true });
  return result.exitCode === 0;
}
