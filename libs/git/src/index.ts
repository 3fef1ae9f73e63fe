export * from './git.errors.js';
export { DEFAULT_GIT_IDENTITY, type GitIdentity } from './git-identity.js';
export { git, resolveCommit, isAncestor, unmergedFiles, type GitResult, type GitRunOptions } from './git-exec.js';
export { KeyedMutex } from './keyed-mutex.js';
export { runnerLayout, type RunnerLayout } from './runner-layout.js';
export { DEFAULT_SETUP_SCRIPTS, EXCLUDED_PATHS, type ProjectRepo, type WorktreeSetup } from './project-repo.js';
export { Mirrors, REMOTE } from './mirrors.js';
export {
  gitTreeSource,
  resolveRemoteBranch,
  remoteBranches,
  MAX_TREE_FILE_BYTES,
  type GitTreeSourceOptions,
  type TreeSource,
} from './tree-source.js';
export { ensureExcluded } from './exclude.js';
export { copyIgnoredFiles } from './copy-ignored.js';
export { runSetupScript, DEFAULT_SETUP_TIMEOUT_MS, type SetupProcessRecorder, type SetupScriptOptions, type SetupScriptRun } from './setup-script.js';
export { listWorktrees, type WorktreeEntry } from './worktree-list.js';
export { Worktrees, type CreateWorktreeOptions, type TrakWorkspaceRef, type Worktree, type WorktreeSource } from './worktrees.js';
export { commitAll, type CommitOptions } from './commits.js';
export { catchUpWithRemote, type CatchUpResult } from './catch-up.js';
export { push, currentBranch, type PushOptions, type PushResult } from './push.js';
export { squashSince } from './squash.js';
export { mergeBaseInto, mergeInProgress, type SyncMergeResult } from './sync-merge.js';
export type { PullRequest, PullRequests, PullRequestTarget } from './pull-requests.port.js';
export { GhPullRequests, type GhPullRequestsOptions } from './gh-pull-requests.js';
export {
  Integrator,
  type IntegratorDeps,
  type IntegrationOutcome,
  type IntegrationRequest,
  type MergeOutcome,
  type PullRequestOutcome,
} from './integrator.js';
export { WorktreeCollector, type ProjectDiskUsage, type TrakKey } from './collector.js';
export { directorySize } from './disk-usage.js';
export { createRunnerGit, type RunnerGit, type RunnerGitOptions } from './runner-git.js';
