import { commitStaged } from './commits.js';
import type { GitIdentity } from './git-identity.js';
import { git } from './git-exec.js';

/**
 * Squashes the worktree's commits since it forked from `baseRef` into one commit with `message`
 * (`git reset --soft <merge-base>` then commit). Returns the new HEAD, or undefined when there was
 * nothing to squash (HEAD is the merge base) or the commits cancel out (HEAD is then the merge base).
 */
export async function squashSince(worktreePath: string, baseRef: string, message: string, identity?: GitIdentity): Promise<string | undefined> {
  const cwd = worktreePath;
  const mergeBase = (await git(['merge-base', 'HEAD', baseRef], { cwd })).stdout.trim();
  const head = (await git(['rev-parse', 'HEAD'], { cwd })).stdout.trim();
  if (head === mergeBase) return undefined;
  await git(['reset', '--quiet', '--soft', mergeBase], { cwd });
  const staged = await git(['diff', '--cached', '--quiet'], { cwd, allowFailure: true });
  if (staged.exitCode === 0) return undefined;
  return commitStaged(cwd, message, identity);
}
