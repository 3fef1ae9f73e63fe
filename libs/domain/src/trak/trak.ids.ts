/**
 * Deterministic ids for the jobs a Trak causes. They are derived from facts in the log, so a
 * replayed or repeated decision produces the same id and the bus drops the duplicate job.
 * Ids stay within NATS subject-token characters (no dots, wildcards or spaces).
 */
export const agentRunId = (trakId: string, stageIndex: number, iteration: number): string => `${trakId}_a${stageIndex}_${iteration}`;

export const gateRunId = (trakId: string, stageIndex: number, iteration: number): string => `${trakId}_g${stageIndex}_${iteration}`;

export const integrationJobId = (trakId: string, attempt: number): string => `${trakId}_i${attempt}`;

export const subtrakId = (parentId: string, ordinal: number): string => `${parentId}-s${ordinal}`;

const JOB_ID = /^(.+)_(?:[ag]\d+_\d+|i\d+)$/;
const STAGE_JOB_ID = /^(.+)_([ag])(\d+)_(\d+)$/;

/** What a job id made by this module says: whose job, and for an agent or gate run, which stage (by index in the flow) and iteration. */
export type JobRef =
  | { readonly trakId: string; readonly kind: 'agent-run' | 'gate-run'; readonly stageIndex: number; readonly iteration: number }
  | { readonly trakId: string; readonly kind: 'integration' };

export function jobRefOf(jobId: string): JobRef | undefined {
  const stage = STAGE_JOB_ID.exec(jobId);
  if (stage !== null) return { trakId: stage[1]!, kind: stage[2] === 'a' ? 'agent-run' : 'gate-run', stageIndex: Number(stage[3]), iteration: Number(stage[4]) };
  const trakId = trakIdOfJob(jobId);
  return trakId === undefined ? undefined : { trakId, kind: 'integration' };
}

/** The Trak a job id belongs to, or undefined when the id is not one this module made. */
export function trakIdOfJob(jobId: string): string | undefined {
  return JOB_ID.exec(jobId)?.[1];
}

/**
 * The branch a new Trak works on: `ork/<id>-<words of its title>`, lowercase, at most 60
 * characters, safe for git and for NATS subject tokens.
 */
export function trakBranch(trakId: string, title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const head = `ork/${trakId}`;
  const room = 60 - head.length - 1;
  // Cut at a word boundary: a half word reads worse than one word fewer.
  const boundary = words.lastIndexOf('-', room);
  const slug = words.length <= room ? words : words.slice(0, boundary > 0 ? boundary : room);
  return slug === '' ? head : `${head}-${slug}`;
}
