import { agentRunId, gateRunId } from '../trak/trak.ids.js';
import type { StateOf, TrakRecord, TrakState } from '../trak/trak.state.js';
import { earlierStages, stageDefinition, stageIndex } from '../trak/trak.rules.js';
import type { IntegrationMode, ProjectRepository } from '../trak/trak.values.js';
import { canonicalLabels } from '../workflow/runner-labels.js';
import type { RunnerRequirement } from '../workflow/runner-labels.js';
import { stageRunsOn } from '../workflow/workflow.types.js';
import type { AgentRunJob, GateRunJob, IntegrationJob, Job, OutputContract, RepoRef } from './pipeline.types.js';

export const runIdFor = (trak: TrakRecord, stage: string, iteration: number): string =>
  agentRunId(trak.trakId, stageIndex(trak, stage), iteration);

export const gateRunIdFor = (trak: TrakRecord, stage: string, iteration: number): string =>
  gateRunId(trak.trakId, stageIndex(trak, stage), iteration);

export function agentRunJob(state: StateOf<'AgentRunning'>): AgentRunJob {
  const { trak, current, run } = state;
  const stage = stageDefinition(trak, current.stage);
  const session = trak.sessions[current.stage];
  return {
    kind: 'agent-run',
    jobId: run.runId,
    trakId: trak.trakId,
    projectId: trak.projectId,
    ...repositoryOf(trak),
    flow: trak.flow.name,
    stage,
    iteration: current.iteration,
    ...(current.trigger !== undefined && { trigger: current.trigger }),
    session: session?.sessionId !== undefined && session.hasActivity ? { mode: 'resume', sessionId: session.sessionId } : { mode: 'new' },
    repo: repoOf(trak),
    trak: { title: trak.title, description: trak.description, ...(trak.parent !== undefined && { parentId: trak.parent.trakId }) },
    artifacts: Object.values(trak.artifacts),
    resources: trak.resources,
    activityLogs: trak.activityLogs,
    workflow: trak.flow.stages.map((s) => ({
      stage: s.name,
      artifact: s.artifact,
      current: s.name === current.stage,
      ...(s.description !== undefined && { description: s.description }),
    })),
    siblings: trak.parent?.siblings.filter((s) => s.trakId !== trak.trakId) ?? [],
    output: outputContract(trak, current.stage),
    timeoutSeconds: stage.agentTimeoutSeconds,
    ...runsOn(stageRunsOn(stage)),
  };
}

export function outputContract(trak: TrakRecord, stageName: string): OutputContract {
  const stage = stageDefinition(trak, stageName);
  if (stage.gate?.kind === 'agent') return { kind: 'verdict', artifact: stage.artifact, routeTo: earlierStages(trak, stageName) };
  return { kind: stage.subtasks !== undefined ? 'subtasks' : 'artifact', artifact: stage.artifact, routeTo: [] };
}

export function gateRunJob(state: StateOf<'GateRunning'>): GateRunJob | undefined {
  const { trak, current } = state;
  const stage = stageDefinition(trak, current.stage);
  const gate = stage.gate;
  if (gate?.kind !== 'script') return undefined;
  return {
    kind: 'gate-run',
    jobId: state.gateRunId,
    trakId: trak.trakId,
    projectId: trak.projectId,
    ...repositoryOf(trak),
    stage: current.stage,
    iteration: current.iteration,
    command: gate.command,
    timeoutSeconds: gate.timeoutSeconds,
    repo: repoOf(trak),
    env: {
      ORKESTRA_TASK_ID: trak.trakId,
      ORKESTRA_TASK_TITLE: trak.title,
      ORKESTRA_BASE_BRANCH: trak.baseBranch,
      ORKESTRA_BRANCH: trak.branch,
      ORKESTRA_STAGE: current.stage,
      ORKESTRA_ATTEMPT: String(current.attempts + 1),
      ...(trak.parent !== undefined && { ORKESTRA_PARENT_ID: trak.parent.trakId }),
    },
    ...runsOn(stageRunsOn(stage)),
  };
}

export function integrationJob(trak: TrakRecord, jobId: string, mode: IntegrationMode): IntegrationJob {
  return {
    kind: 'integration',
    jobId,
    trakId: trak.trakId,
    projectId: trak.projectId,
    ...repositoryOf(trak),
    mode,
    repo: repoOf(trak),
    title: trak.title,
    description: trak.description,
    artifacts: Object.values(trak.artifacts),
    ...(trak.parent !== undefined && { parentId: trak.parent.trakId }),
    ...runsOn(integrationRunsOn(trak)),
  };
}

/**
 * The labels an integration needs: those every stage of the flow needs. Merging and pushing need
 * no GPU a training stage wanted, but a label on every stage (a network zone, say) holds for all
 * of the Trak's work, its integration included.
 */
function integrationRunsOn(trak: TrakRecord): string[] {
  const [first, ...rest] = trak.flow.stages.map((stage) => canonicalLabels(stageRunsOn(stage)));
  return (first ?? []).filter((label) => rest.every((labels) => labels.includes(label)));
}

const runsOn = (labels: readonly string[]): { runsOn?: readonly string[] } => (labels.length === 0 ? {} : { runsOn: canonicalLabels(labels) });

/**
 * The labels a runner must have to take the job. An agent run queued before jobs carried
 * `runsOn` still has its stage, which says.
 */
export function jobRunsOn(job: Job): readonly string[] {
  if (job.runsOn !== undefined) return job.runsOn;
  return job.kind === 'agent-run' ? canonicalLabels(stageRunsOn(job.stage)) : [];
}

/** What the job needs of a runner: its labels, and the agent CLI for an agent run. */
export function jobRequirement(job: Job): RunnerRequirement {
  return { labels: jobRunsOn(job), ...(job.kind === 'agent-run' && { agent: job.stage.agent.kind }) };
}

const repositoryOf = (trak: TrakRecord): { readonly repository?: ProjectRepository } => (trak.repository === undefined ? {} : { repository: trak.repository });

function repoOf(trak: TrakRecord): RepoRef {
  return { branch: trak.branch, baseBranch: trak.baseBranch, ...(trak.baseCommit !== undefined && { baseCommit: trak.baseCommit }) };
}

/** The job the Trak waits on in its current state (agent run, gate run or integration), if any. */
export function currentJobId(state: TrakState): string | undefined {
  switch (state.status) {
    case 'AgentRunning':
      return state.run.runId;
    case 'GateRunning':
      return state.gateRunId;
    case 'Integrating':
      return state.jobId;
    default:
      return undefined;
  }
}
