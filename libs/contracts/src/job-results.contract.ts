import type { JobResult } from '@orkestra/domain';
import { z } from 'zod';
import { mirror } from './mirror.js';
import { agentFailureReasonSchema, agentOutputSchema, usageSchema } from './trak-values.contract.js';

// ORK_RESULTS: what a runner reports about a job, and what it keeps in `ork_job_results` to
// answer a job delivered again.

const id = z.string().min(1);

export const jobResultSchema = mirror<JobResult>()(
  z.discriminatedUnion('kind', [
    // `incarnation`: the runner process's life, new at each start; absent from runners before it existed.
    z.object({ kind: z.literal('agent-started'), jobId: id, runnerId: id, incarnation: id.optional(), sessionId: z.string().optional() }),
    z.object({ kind: z.literal('agent-finished'), jobId: id, output: agentOutputSchema, usage: usageSchema.optional(), sessionId: z.string().optional() }),
    z.object({
      kind: z.literal('agent-failed'),
      jobId: id,
      reason: agentFailureReasonSchema,
      message: z.string(),
      usage: usageSchema.optional(),
      resetAt: z.string().optional(),
    }),
    z.object({ kind: z.literal('gate-finished'), jobId: id, exitCode: z.number().int().nullable(), timedOut: z.boolean(), output: z.string() }),
    z.object({
      kind: z.literal('integration-finished'),
      jobId: id,
      result: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('merged'), mergeCommit: z.string().optional() }),
        z.object({ kind: z.literal('pr_opened'), url: z.string() }),
        z.object({ kind: z.literal('conflict'), message: z.string(), conflictFiles: z.array(z.string()) }),
        z.object({ kind: z.literal('failed'), message: z.string() }),
      ]),
    }),
  ]),
);

/** A value of the `ork_job_results` bucket: the result the runner published, kept by job id. */
export const storedJobResultSchema = jobResultSchema;
