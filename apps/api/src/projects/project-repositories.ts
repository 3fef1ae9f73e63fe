import { Inject, Injectable } from '@nestjs/common';
import type { WorkflowDefinition } from '@orkestra/domain';
import { BranchNotFoundError, KeyedMutex, Mirrors, gitTreeSource, resolveRemoteBranch, runnerLayout } from '@orkestra/git';
import { loadWorkflowFrom } from '@orkestra/workflow-config';
import { API_CONFIG } from '../api.config.js';
import type { ApiConfig } from '../api.config.js';
import { ApiError } from '../shell/api-error.js';

/** A project's workflow as it stands at the head of a branch. */
export interface WorkflowAtHead {
  readonly workflow: WorkflowDefinition;
  readonly commit: string;
}

/**
 * The api's own bare mirrors of project repositories (under its data dir). It reads
 * `.orkestra/` at a branch's head from them when a Trak is created, and checks a remote and its
 * base branch are reachable when a project is registered or moved.
 */
@Injectable()
export class ProjectRepositories {
  private readonly mirrors: Mirrors;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.mirrors = new Mirrors(runnerLayout(config.dataDir), new KeyedMutex());
  }

  /** Fetches the remote; VALIDATION_FAILED naming `remote` or `baseBranch` when git cannot reach it or the branch is missing. */
  async check(projectId: string, remote: string, branch: string): Promise<string> {
    const mirror = await this.sync(projectId, remote, 'input.remote');
    try {
      return await resolveRemoteBranch(mirror, branch);
    } catch (error) {
      if (!(error instanceof BranchNotFoundError)) throw error;
      throw new ApiError('VALIDATION_FAILED', `input.baseBranch: ${error.message}`, {
        field: 'input.baseBranch',
        details: { branch, knownBranches: error.knownBranches, branchCount: error.branchCount },
      });
    }
  }

  /** The workflow at the branch's head, validated (WORKFLOW_INVALID listing each problem with file, line and column). */
  async workflowAt(projectId: string, remote: string, branch: string): Promise<WorkflowAtHead> {
    const commit = await this.check(projectId, remote, branch);
    const mirror = this.mirrors.path(projectId);
    const workflow = await loadWorkflowFrom(gitTreeSource(mirror, commit, { label: `${branch} at ${commit.slice(0, 12)}` }));
    return { workflow, commit };
  }

  private async sync(projectId: string, remote: string, field: string): Promise<string> {
    try {
      return await this.mirrors.sync({ projectId, remoteUrl: remote });
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n').filter((l) => l.trim() !== '').slice(-3).join(' ') : String(error);
      throw new ApiError('VALIDATION_FAILED', `${field}: cannot fetch ${remote}: ${reason}`, { field });
    }
  }
}
