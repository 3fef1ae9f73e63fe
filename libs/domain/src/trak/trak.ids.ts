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

/** The Trak a job id belongs to, or undefined when the id is not one this module made. */
export function trakIdOfJob(jobId: string): string | undefined {
  return JOB_ID.exec(jobId)?.[1];
}
