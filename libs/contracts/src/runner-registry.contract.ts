import { z } from 'zod';
import { agentKindSchema } from './trak-values.contract.js';

// KV `ork_runners`: each runner's entry, rewritten every few seconds; it expires when the runner stops.

const bytes = z.number().nonnegative();

/** Disk use of one project on a runner: its mirror, and its worktrees. */
export const projectDiskUsageSchema = z.object({ projectId: z.string(), mirrorBytes: bytes, worktreeBytes: bytes, totalBytes: bytes });

export const diskReportSchema = z.object({ measuredAt: z.string(), totalBytes: bytes, projects: z.array(projectDiskUsageSchema) });

export const runnerEntrySchema = z.object({
  name: z.string().min(1),
  labels: z.array(z.string()),
  /** The label pools it reads besides the one for jobs any runner may take; none for a runner from before label routing. */
  pools: z.array(z.string()).optional(),
  /** Agent CLIs found on the runner; it takes only their jobs. */
  agents: z.array(agentKindSchema),
  slots: z.number().int().positive(),
  busy: z.number().int().nonnegative(),
  /** Ids of the jobs it runs now. */
  jobs: z.array(z.string()),
  startedAt: z.string(),
  /** This life of the runner process (new at each start), as its `agent-started` results carry it; none from runners before it existed. */
  incarnation: z.string().optional(),
  lastSeen: z.string(),
  disk: diskReportSchema.optional(),
  /** Messages it refused as malformed since it started, by consumer. */
  malformed: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

export type ProjectDiskUsage = z.infer<typeof projectDiskUsageSchema>;
export type DiskReport = z.infer<typeof diskReportSchema>;
export type RunnerEntry = z.infer<typeof runnerEntrySchema>;
