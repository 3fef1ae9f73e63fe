import { WorktreeCollector } from './collector.js';
import { commitAll } from './commits.js';
import { DEFAULT_GIT_IDENTITY, type GitIdentity } from './git-identity.js';
import { Integrator } from './integrator.js';
import { KeyedMutex } from './keyed-mutex.js';
import { Mirrors } from './mirrors.js';
import type { PullRequests } from './pull-requests.port.js';
import { push } from './push.js';
import { runnerLayout } from './runner-layout.js';
import { Worktrees } from './worktrees.js';

/** Settings of a runner's git layer. */
export interface RunnerGitOptions {
  /** The runner's data dir; one runner process per root (the locks are in-process). */
  readonly root: string;
  /** Author and committer of the runner's commits (default `Orkestra <orkestra@localhost>`). */
  readonly identity?: GitIdentity;
  /** Needed for PR-mode integration. */
  readonly pullRequests?: PullRequests;
  /** Integration attempts when the base moves under a merge (default 3). */
  readonly maxIntegrationAttempts?: number;
}

/** Wires the git layer of one runner around a single lock table. */
export function createRunnerGit(options: RunnerGitOptions) {
  const layout = runnerLayout(options.root);
  const mutex = new KeyedMutex();
  const identity = options.identity ?? DEFAULT_GIT_IDENTITY;
  const mirrors = new Mirrors(layout, mutex);
  const worktrees = new Worktrees(layout, mirrors, mutex);
  const integrator = new Integrator({
    layout,
    mirrors,
    worktrees,
    mutex,
    identity,
    ...(options.pullRequests ? { pullRequests: options.pullRequests } : {}),
    ...(options.maxIntegrationAttempts ? { maxAttempts: options.maxIntegrationAttempts } : {}),
  });
  return {
    layout,
    mirrors,
    worktrees,
    integrator,
    collector: new WorktreeCollector(layout, worktrees),
    /** {@link commitAll} with the runner's identity. */
    commitAll: (worktreePath: string, message: string) => commitAll(worktreePath, message, { identity }),
    push,
  };
}

export type RunnerGit = ReturnType<typeof createRunnerGit>;
