import { z } from 'zod';

/** KV `ork_job_cancels`: a job the scheduler called off, by job id; a runner skips it or stops it. */
export const jobCancelSchema = z.object({ reason: z.string(), at: z.string() });

export type JobCancel = z.infer<typeof jobCancelSchema>;
