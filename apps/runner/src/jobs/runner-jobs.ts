import { executeAgentRun, runGate } from '@orkestra/agents';
import type { AgentLogEntry, AgentRunDeps, AgentRunWorkspace, ProcessRecorder } from '@orkestra/agents';
import type { AgentKind, AgentRunJob, GateRunJob, IntegrationJob, JobResult, ProjectRepository } from '@orkestra/domain';
import { push } from '@orkestra/git';
import type { ProjectRepo, RunnerGit } from '@orkestra/git';
import type { RunTempDirs } from '../service/run-temp-dirs.js';

/** The git remote and setup of a project: the runner's own entry, else the repository the job carries (if the runner takes it). */
export type ProjectDirectory = (projectId: string, repository?: ProjectRepository) => ProjectRepo | undefined;

export interface RunnerJobsDeps {
  readonly git: RunnerGit;
  readonly projects: ProjectDirectory;
  readonly agents: Omit<AgentRunDeps, 'workspace'>;
  /** Each agent run's own TMPDIR, removed when the run ends; without it agents keep the environment's. */
  readonly temp?: Pick<RunTempDirs, 'create' | 'remove'>;
  /** Told when a run's temp dir could not be removed. */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface JobHooks {
  readonly signal?: AbortSignal;
  /** Live output: agent log entries, or a gate's lines. */
  readonly onEntry?: (entry: AgentLogEntry) => void;
  readonly onLine?: (line: string) => void;
  /** A recorder for each process group the job starts: the agent CLI, the gate, the worktree's setup script. */
  readonly record?: (what: 'agent' | 'gate' | 'setup') => ProcessRecorder;
}

/** A job for a project this runner has no remote for. */
export class UnknownProjectError extends Error {
  readonly code = 'RUNNER.UNKNOWN_PROJECT' as const;
  constructor(readonly projectId: string) {
    super(`This runner does not know project ${projectId}: the job names no repository, so add its git remote to the runner's projects`);
    this.name = 'UnknownProjectError';
  }
}

/**
 * What a runner does with each kind of job, given its git layer and its agents. Every call ends
 * in the result the scheduler expects; nothing here knows about the bus.
 */
export function createRunnerJobs(deps: RunnerJobsDeps) {
  const project = (job: { readonly projectId: string; readonly repository?: ProjectRepository }): ProjectRepo => {
    const found = deps.projects(job.projectId, job.repository);
    if (found === undefined) throw new UnknownProjectError(job.projectId);
    return found;
  };

  const workspace = (hooks: JobHooks): AgentRunWorkspace => ({
    prepare: async (job) => {
      const recorder = hooks.record?.('setup');
      return (await deps.git.worktrees.create(project(job), { trakId: job.trakId, repo: job.repo }, recorder === undefined ? {} : { recorder })).path;
    },
    save: async (worktree, message) => {
      await deps.git.commitAll(worktree, message);
      await push(worktree);
    },
  });

  return {
    async agentRun(job: AgentRunJob, hooks: JobHooks = {}): Promise<JobResult> {
      const { temp } = deps;
      const tmp = temp === undefined ? undefined : await temp.create(job.stage.agent.kind, job.jobId);
      const environment = tmp === undefined ? deps.agents.environment : (kind: AgentKind) => ({ ...deps.agents.environment(kind), TMPDIR: tmp });
      try {
        return await executeAgentRun(
          job,
          { ...deps.agents, environment, workspace: workspace(hooks) },
          {
            ...(hooks.signal !== undefined && { signal: hooks.signal }),
            ...(hooks.onEntry !== undefined && { onEntry: hooks.onEntry }),
            ...(hooks.record !== undefined && { recorder: hooks.record('agent') }),
          },
        );
      } finally {
        // The CLI's process group is gone by now (the process runner waits for it).
        if (tmp !== undefined) await temp!.remove(tmp).catch((error: unknown) => deps.log?.('could not remove an agent run’s temp dir', { jobId: job.jobId, dir: tmp, error: String(error) }));
      }
    },

    async gateRun(job: GateRunJob, hooks: JobHooks = {}): Promise<JobResult> {
      let worktree: string;
      try {
        worktree = await workspace(hooks).prepare(job);
      } catch (error) {
        return { kind: 'gate-finished', jobId: job.jobId, exitCode: null, timedOut: false, output: `The gate could not run: ${error instanceof Error ? error.message : String(error)}` };
      }
      const result = await runGate(job, {
        worktree,
        projectRoot: worktree,
        ...(hooks.signal !== undefined && { signal: hooks.signal }),
        ...(hooks.record !== undefined && { recorder: hooks.record('gate') }),
        ...(hooks.onLine !== undefined && { onLine: (_stream: string, line: string) => hooks.onLine?.(line) }),
      });
      return { kind: 'gate-finished', jobId: job.jobId, exitCode: result.exitCode, timedOut: result.timedOut, output: result.output };
    },

    async integration(job: IntegrationJob): Promise<JobResult> {
      const found = deps.projects(job.projectId, job.repository);
      const result = found === undefined ? { kind: 'failed' as const, message: new UnknownProjectError(job.projectId).message } : await deps.git.integrator.integrate(found, job);
      return { kind: 'integration-finished', jobId: job.jobId, result };
    },
  };
}

export type RunnerJobs = ReturnType<typeof createRunnerJobs>;
