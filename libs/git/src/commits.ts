import { DEFAULT_GIT_IDENTITY, identityEnv, type GitIdentity } from './git-identity.js';
import { git } from './git-exec.js';

/** Options of {@link commitAll}. */
export interface CommitOptions {
  /** Author and committer; default {@link DEFAULT_GIT_IDENTITY}. */
  readonly identity?: GitIdentity;
}

/**
 * Stages everything in the worktree (`git add -A`; excluded paths such as `.orkestra/.artifacts/`
 * stay out) and commits it with `message`. Returns the new commit, or undefined when there is
 * nothing to commit. Hooks and signing are off: gates are the checks, and a runner has no keys.
 */
export async function commitAll(worktreePath: string, message: string, options: CommitOptions = {}): Promise<string | undefined> {
  await git(['add', '-A'], { cwd: worktreePath });
  const staged = await git(['diff', '--cached', '--quiet'], { cwd: worktreePath, allowFailure: true });
  if (staged.exitCode === 0) return undefined;
  return commitStaged(worktreePath, message, options.identity);
}

/** Commits what is staged; returns the new HEAD. */
export async function commitStaged(worktreePath: string, message: string, identity: GitIdentity = DEFAULT_GIT_IDENTITY): Promise<string> {
  await git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', message], {
    cwd: worktreePath,
    env: identityEnv(identity),
  });
  return (await git(['rev-parse', 'HEAD'], { cwd: worktreePath })).stdout.trim();
}
