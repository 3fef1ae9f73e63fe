import type { AgentRunJob, GateRunJob, IntegrationJob, Job, OutputContract, ProjectRepository, RepoRef, WorkflowOverviewEntry } from '@orkestra/domain';
import { z } from 'zod';
import { mirror } from './mirror.js';
import { artifactRecordSchema, resourceSchema, siblingSummarySchema, stageDefinitionSchema, triggerSchema } from './trak-values.contract.js';

// ORK_JOBS: what the scheduler sends and a runner takes. The domain's pipeline builds these
// (`agentRunJob`, `gateRunJob`, `integrationJob`); the schemas mirror its types.

const id = z.string().min(1);
const count = z.number().int().nonnegative();

export const repoRefSchema = mirror<RepoRef>()(z.object({ branch: z.string().min(1), baseBranch: z.string().min(1), baseCommit: z.string().optional() }));

export const projectRepositorySchema = mirror<ProjectRepository>()(z.object({ remote: z.string().min(1), setupScript: z.string().min(1).optional() }));

const outputContractSchema = mirror<OutputContract>()(z.object({ kind: z.enum(['artifact', 'verdict', 'subtasks']), artifact: z.string(), routeTo: z.array(z.string()) }));

const workflowEntrySchema = mirror<WorkflowOverviewEntry>()(z.object({ stage: z.string(), artifact: z.string(), description: z.string().optional(), current: z.boolean() }));

export const agentRunJobSchema = mirror<AgentRunJob>()(
  z.object({
    kind: z.literal('agent-run'),
    jobId: id,
    trakId: id,
    projectId: id,
    repository: projectRepositorySchema.optional(),
    flow: z.string(),
    stage: stageDefinitionSchema,
    iteration: count,
    trigger: triggerSchema.optional(),
    session: z.discriminatedUnion('mode', [z.object({ mode: z.literal('new') }), z.object({ mode: z.literal('resume'), sessionId: id })]),
    repo: repoRefSchema,
    trak: z.object({ title: z.string(), description: z.string(), parentId: id.optional() }),
    artifacts: z.array(artifactRecordSchema),
    resources: z.array(resourceSchema),
    activityLogs: z.record(z.string(), z.string()),
    workflow: z.array(workflowEntrySchema),
    siblings: z.array(siblingSummarySchema),
    output: outputContractSchema,
    timeoutSeconds: z.number().positive(),
    runsOn: z.array(z.string()).optional(),
  }),
);

export const gateRunJobSchema = mirror<GateRunJob>()(
  z.object({
    kind: z.literal('gate-run'),
    jobId: id,
    trakId: id,
    projectId: id,
    repository: projectRepositorySchema.optional(),
    stage: z.string(),
    iteration: count,
    command: z.string(),
    timeoutSeconds: z.number().positive(),
    repo: repoRefSchema,
    env: z.record(z.string(), z.string()),
    runsOn: z.array(z.string()).optional(),
  }),
);

export const integrationJobSchema = mirror<IntegrationJob>()(
  z.object({
    kind: z.literal('integration'),
    jobId: id,
    trakId: id,
    projectId: id,
    repository: projectRepositorySchema.optional(),
    mode: z.enum(['merge', 'pr']),
    repo: repoRefSchema,
    title: z.string(),
    description: z.string(),
    parentId: id.optional(),
    artifacts: z.array(artifactRecordSchema),
    runsOn: z.array(z.string()).optional(),
  }),
);

export const jobSchema = mirror<Job>()(z.discriminatedUnion('kind', [agentRunJobSchema, gateRunJobSchema, integrationJobSchema]));
