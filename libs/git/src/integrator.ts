import type { IntegrationJob, RecordIntegrationResult } from '@orkestra/domain';
import { catchUpWithRemote } from './catch-up.js';
import { commitAll } from './commits.js';
import { BaseBranchMovedError, BaseBranchNotFoundError, PullRequestError, PushRejectedError } from './git.errors.js';
import { DEFAULT_GIT_IDENTITY, identityEnv, type GitIdentity } from './git-identity.js';
import { git, isAncestor, resolveCommit, unmergedFiles } from './git-exec.js';
import { prepareIntegrationWorktree } from './integration-worktree.js';
import type { KeyedMutex } from './keyed-mutex.js';
import { REMOTE, type Mirrors } from './mirrors.js';
import type { ProjectRepo } from './project-repo.js';
import type { PullRequests } from './pull-requests.port.js';
import { push, pushFastForward } from './push.js';
import type { RunnerLayout } from './runner-layout.js';
import { squashSince } from './squash.js';
import { mergeBaseInto } from './sync-merge.js';
import type { Worktree, Worktrees } from './worktrees.js';

/** What an integration job reports (the domain's `RecordIntegrationResult` result). */
export type IntegrationOutcome = RecordIntegrationResult['data']['result'];
export type MergeOutcome = Extract<IntegrationOutcome, { kind: 'merged' | 'conflict' }>;
export type PullRequestOutcome = Extract<IntegrationOutcome, { kind: 'pr_opened' }>;

/** The parts of an integration job the git layer uses; `mergeMessage` overrides the merge commit's message. */
export type IntegrationRequest = Pick<IntegrationJob, 'trakId' | 'mode' | 'repo' | 'title' | 'description'> & {
  readonly mergeMessage?: string;
};

/** Collaborators and settings of an {@link Integrator}. */
export interface IntegratorDeps {
  readonly layout: RunnerLayout;
  readonly mirrors: Mirrors;
  readonly worktrees: Worktrees;
  readonly mutex: KeyedMutex;
  readonly pullRequests?: PullRequests;
  readonly identity?: GitIdentity;
  /** How often to start over when the base moves between fetch and push (default 3). */
  readonly maxAttempts?: number;
}

const SAFETY_NET = (trakId: string): string => `integration: ${trakId}\n\nUncommitted changes found at integration.`;

/**
 * Integrates a Trak branch (ORKESTRA-SPEC §6.4, §6.5): merge mode squashes, merges the base into the
 * branch (conflicts stay in the Trak's worktree), then merges `--no-ff` into the base in the
 * runner's own integration worktree and pushes; PR mode pushes the branch and opens or reuses a PR.
 * Integrations of one project run one at a time on a runner; across runners, a lost push race starts over.
 */
export class Integrator {
  private readonly identity: GitIdentity;

  constructor(private readonly deps: IntegratorDeps) {
    this.identity = deps.identity ?? DEFAULT_GIT_IDENTITY;
  }

  /** Runs the job's mode and reports its outcome; failures become `{ kind: 'failed', message }`, never a throw. */
  async integrate(project: ProjectRepo, request: IntegrationRequest): Promise<IntegrationOutcome> {
    try {
      return request.mode === 'pr' ? await this.openPullRequest(project, request) : await this.merge(project, request);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'failed', message: request.mode === 'pr' ? `PR creation failed: ${message}` : `Merge failed: ${message}` };
    }
  }

  /**
   * Merge mode. Returns `merged` with the merge commit on the base (none when the branch changes
   * nothing), or `conflict` with the files, the merge left in progress in the Trak worktree and the
   * base untouched.
   */
  async merge(project: ProjectRepo, request: IntegrationRequest): Promise<MergeOutcome> {
    const mirror = this.deps.mirrors.path(project.projectId);
    return this.deps.mutex.run(`integration:${mirror}`, async () => {
      const worktree = await this.deps.worktrees.create(project, request, { setup: false });
      const attempts = this.deps.maxAttempts ?? 3;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const outcome = await this.attemptMerge(project, request, worktree);
        if (outcome !== 'base-moved') return outcome;
      }
      throw new BaseBranchMovedError(request.repo.baseBranch, attempts);
    });
  }

  /** PR mode: commit what is pending, push the branch, reuse its open PR or create one. */
  async openPullRequest(project: ProjectRepo, request: IntegrationRequest): Promise<PullRequestOutcome | MergeOutcome> {
    const pullRequests = this.deps.pullRequests;
    if (!pullRequests) throw new PullRequestError('No pull-request service is configured on this runner', undefined, '');
    const worktree = await this.deps.worktrees.create(project, request, { setup: false });
    const pending = await unmergedFiles(worktree.path);
    if (pending.length > 0) return { kind: 'conflict', message: 'Merge conflict', conflictFiles: pending };
    await commitAll(worktree.path, SAFETY_NET(request.trakId), { identity: this.identity });
    await push(worktree.path);
    const target = { cwd: worktree.path, head: request.repo.branch, base: request.repo.baseBranch };
    const existing = await pullRequests.find(target);
    if (existing?.state === 'OPEN') return { kind: 'pr_opened', url: existing.url };
    const created = await pullRequests.create({ ...target, title: request.title, body: request.description || request.title });
    return { kind: 'pr_opened', url: created.url };
  }

  private async attemptMerge(project: ProjectRepo, request: IntegrationRequest, worktree: Worktree): Promise<MergeOutcome | 'base-moved'> {
    const { branch, baseBranch } = request.repo;
    const cwd = worktree.path;
    const pending = await unmergedFiles(cwd);
    if (pending.length > 0) return { kind: 'conflict', message: 'Merge conflict', conflictFiles: pending };
    const mirror = await this.deps.mirrors.sync(project);
    await catchUpWithRemote(cwd); // never squash away what another runner pushed
    await commitAll(cwd, SAFETY_NET(request.trakId), { identity: this.identity }); // also concludes a resolved merge
    const base = await resolveCommit(mirror, `refs/remotes/${REMOTE}/${baseBranch}`);
    if (base === undefined) throw new BaseBranchNotFoundError(project.projectId, baseBranch);

    await squashSince(cwd, base, request.title, this.identity);
    if (await isAncestor(cwd, 'HEAD', base)) return { kind: 'merged' }; // the branch adds nothing to the base

    const sync = await mergeBaseInto(cwd, base, `Merge ${baseBranch} into ${branch}`, this.identity);
    if (sync.kind === 'conflict') {
      await push(cwd, { rewrite: true }); // the squashed branch, so any runner can take up the conflict from the remote
      return { kind: 'conflict', message: 'Merge conflict', conflictFiles: sync.files };
    }
    const head = (await git(['rev-parse', 'HEAD'], { cwd })).stdout.trim();
    const changes = await git(['diff', '--quiet', base, head], { cwd, allowFailure: true });
    if (changes.exitCode === 0) {
      await push(cwd, { rewrite: true });
      return { kind: 'merged' }; // everything the branch changes is already in the base
    }

    const integration = this.deps.layout.integrationWorktree(project.projectId);
    await prepareIntegrationWorktree(this.deps.mutex, mirror, integration, base);
    const message = request.mergeMessage ?? `Merge ${branch}: ${request.title}\n\nTrak ${request.trakId}.`;
    await git(['-c', 'commit.gpgsign=false', 'merge', '--quiet', '--no-ff', '--no-verify', '--no-edit', '-m', message, head], {
      cwd: integration,
      env: identityEnv(this.identity),
    });
    const mergeCommit = (await git(['rev-parse', 'HEAD'], { cwd: integration })).stdout.trim();
    await push(cwd, { rewrite: true });
    try {
      await pushFastForward(integration, baseBranch);
    } catch (error) {
      if (PushRejectedError.is(error)) return 'base-moved';
      throw error;
    }
    return { kind: 'merged', mergeCommit };
  }
}
