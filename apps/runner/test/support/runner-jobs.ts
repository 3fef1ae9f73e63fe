import path from 'node:path';
import { agentRunJob, trakDecider } from '@orkestra/domain';
import type { AgentRunJob, TrakCommand, TrakState } from '@orkestra/domain';
import { createRunnerGit } from '@orkestra/git';
import { agentBinaries } from '@orkestra/testing';
import type { AgentSandbox } from '@orkestra/testing';
import { createRunnerJobs } from '../../src/jobs/runner-jobs.js';
import type { RunnerJobs } from '../../src/jobs/runner-jobs.js';

/** The job the scheduler would send for the Trak's current run, after `commands`. */
export function jobAfter(...commands: TrakCommand[]): AgentRunJob {
  let state: TrakState = trakDecider.initialState();
  for (const command of commands) state = trakDecider.decide(command, state).reduce(trakDecider.evolve, state);
  if (state.status !== 'AgentRunning') throw new Error(`expected AgentRunning, got ${state.status}`);
  return agentRunJob(state);
}

export interface ClaudeRunnerJobsOptions {
  /** Where this runner keeps its clones and worktrees; one folder per runner under `root`. */
  readonly root: string;
  readonly name: string;
  /** The bare remote of `project-1`, the only project the runner knows. */
  readonly remote: string;
  readonly sandbox: AgentSandbox;
  /** The scripted model server the Claude Code CLI talks to. */
  readonly modelUrl: string;
}

/** A runner's real jobs: real git, the real Claude Code CLI in `sandbox` against the model server. */
export function claudeRunnerJobs({ root, name, remote, sandbox, modelUrl }: ClaudeRunnerJobsOptions): RunnerJobs {
  return createRunnerJobs({
    git: createRunnerGit({ root: path.join(root, name) }),
    projects: (projectId) => (projectId === 'project-1' ? { projectId, remoteUrl: remote } : undefined),
    agents: {
      executables: { claudecode: agentBinaries().claude },
      environment: () => sandbox.env({ ANTHROPIC_BASE_URL: modelUrl, ANTHROPIC_API_KEY: 'test-key', CLAUDE_CODE_MAX_RETRIES: '0' }),
      newSessionId: () => globalThis.crypto.randomUUID(),
    },
  });
}
