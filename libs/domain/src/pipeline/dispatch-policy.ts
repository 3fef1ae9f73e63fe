import { canTake } from '../workflow/runner-labels.js';
import type { RunnerCapabilities } from '../workflow/runner-labels.js';
import type { AgentKind } from '../workflow/workflow.types.js';
import type { Job } from './pipeline.types.js';

/** A job the pipeline asked for that the scheduler has not handed to the runners yet. */
export interface QueuedJob {
  readonly jobId: string;
  readonly projectId: string;
  readonly kind: Job['kind'];
  /** The agent CLI an agent run needs. */
  readonly agent?: AgentKind;
  /** Labels a runner must have to take it (canonical); none or absent: any runner. */
  readonly runsOn?: readonly string[];
  /** Order in which the pipeline asked for it. */
  readonly seq: number;
}

/** How many jobs may be out on the bus (sent, not finished) at once. */
export interface ConcurrencyLimits {
  /** All projects and kinds together. */
  readonly global: number;
  /** Per project, unless `projects` names the project. */
  readonly perProject: number;
  readonly projects?: Readonly<Record<string, number>>;
  /** Agent runs per agent CLI; a kind not named has no limit of its own. */
  readonly perAgent?: Readonly<Partial<Record<AgentKind, number>>>;
}

/** Jobs out on the bus now. */
export interface InFlight {
  readonly total: number;
  readonly byProject: Readonly<Record<string, number>>;
  readonly byAgent: Readonly<Partial<Record<AgentKind, number>>>;
}

/** Agent kinds whose runs wait until the given time (a provider's rate limit resets then). */
export type AgentHolds = Readonly<Partial<Record<AgentKind, string>>>;

export interface DispatchChoice {
  /** Jobs to send now, in order. */
  readonly dispatch: readonly QueuedJob[];
  /** The earliest time a held job may go, when some wait only on a hold. */
  readonly wakeAt?: string;
  /** Jobs that need labels no live runner has (with the job's agent CLI): they stay queued until one registers. */
  readonly waitingForRunner: readonly QueuedJob[];
}

/**
 * Which queued jobs to send now. Projects take turns by how many jobs they already have out:
 * a project with none goes before one with one out, and so on, so one project's hundreds of
 * Traks never starve another's one. Within a project, jobs go in the order asked. A job
 * waits while the global limit, its project's limit, its agent kind's limit, or a rate-limit
 * hold on its agent kind says so.
 *
 * Given the live runners, a job that needs labels waits, taking no slot, while none of them has
 * those labels and its agent CLI: sent, it would only sit on the bus with its deadline running.
 * A job that needs no label goes as before, to whichever runner comes.
 */
export function chooseDispatch(
  queued: readonly QueuedJob[],
  inFlight: InFlight,
  limits: ConcurrencyLimits,
  holds: AgentHolds,
  now: string,
  runners?: readonly RunnerCapabilities[],
): DispatchChoice {
  const byProject = { ...inFlight.byProject };
  const byAgent: Partial<Record<AgentKind, number>> = { ...inFlight.byAgent };
  let total = inFlight.total;
  const dispatch: QueuedJob[] = [];
  const waitingForRunner: QueuedJob[] = [];
  let wakeAt: string | undefined;

  for (const job of fairOrder(queued, inFlight)) {
    if (runners !== undefined && (job.runsOn?.length ?? 0) > 0) {
      const requirement = { labels: job.runsOn ?? [], ...(job.kind === 'agent-run' && job.agent !== undefined && { agent: job.agent }) };
      if (!runners.some((runner) => canTake(runner, requirement))) {
        waitingForRunner.push(job);
        continue;
      }
    }
    if (total >= limits.global) continue;
    if ((byProject[job.projectId] ?? 0) >= (limits.projects?.[job.projectId] ?? limits.perProject)) continue;
    if (job.kind === 'agent-run' && job.agent !== undefined) {
      const until = holds[job.agent];
      if (until !== undefined && Date.parse(until) > Date.parse(now)) {
        if (wakeAt === undefined || Date.parse(until) < Date.parse(wakeAt)) wakeAt = until;
        continue;
      }
      const limit = limits.perAgent?.[job.agent];
      if (limit !== undefined && (byAgent[job.agent] ?? 0) >= limit) continue;
      byAgent[job.agent] = (byAgent[job.agent] ?? 0) + 1;
    }
    byProject[job.projectId] = (byProject[job.projectId] ?? 0) + 1;
    total++;
    dispatch.push(job);
  }
  return { dispatch, waitingForRunner, ...(wakeAt !== undefined && { wakeAt }) };
}

/** Round robin across projects: by the project's jobs out plus the job's rank within its project, then by when it was asked for. */
function fairOrder(queued: readonly QueuedJob[], inFlight: InFlight): QueuedJob[] {
  const rank = new Map<QueuedJob, number>();
  const seen = new Map<string, number>();
  for (const job of [...queued].sort((a, b) => a.seq - b.seq)) {
    const n = seen.get(job.projectId) ?? inFlight.byProject[job.projectId] ?? 0;
    rank.set(job, n);
    seen.set(job.projectId, n + 1);
  }
  return [...queued].sort((a, b) => rank.get(a)! - rank.get(b)! || a.seq - b.seq);
}
