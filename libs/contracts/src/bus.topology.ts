import type { Job, JobResult } from '@orkestra/domain';
import { labelPool, labelSubsets } from './runner-pools.js';

// The bus's names: streams, buckets and subjects. The constants are the `StreamSpec` and
// `KeyValueBucketSpec` values that the Bus port (`@orkestra/application`) provisions; they are
// checked against it structurally where a service provisions them, since contracts do not depend
// on the application layer.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Every committed event, published by the outbox relay with msgId = event id. */
export const EVENTS_STREAM = {
  name: 'ORK_EVENTS',
  subjects: ['ork.evt.>'],
  retention: 'limits',
  maxAgeMs: 7 * DAY,
  // Long enough to cover a relay crash and takeover: a standby republishes from the last
  // checkpoint and the server drops what the dead relay already published.
  duplicateWindowMs: 10 * MINUTE,
} as const;

/** Agent runs, gate runs and integration jobs; one runner takes each. */
export const JOBS_STREAM = {
  name: 'ORK_JOBS',
  subjects: ['ork.job.>'],
  retention: 'workqueue',
  duplicateWindowMs: 10 * MINUTE,
} as const;

/** Runner → scheduler: started, finished, failed, questions. */
export const RESULTS_STREAM = {
  name: 'ORK_RESULTS',
  subjects: ['ork.res.>'],
  retention: 'workqueue',
  duplicateWindowMs: 10 * MINUTE,
} as const;

/** Live output lines of agent and gate runs, replayable for late subscribers. */
export const LOGS_STREAM = {
  name: 'ORK_LOGS',
  subjects: ['ork.log.>'],
  retention: 'limits',
  maxAgeMs: 3 * DAY,
  maxBytes: 1024 * 1024 * 1024,
  duplicateWindowMs: 2 * MINUTE,
} as const;

/** Runner id → capabilities, load, last seen. A runner that stops writing expires. */
export const RUNNERS_BUCKET = { name: 'ork_runners', ttlMs: 30_000 } as const;

/**
 * How often a runner rewrites its registry entry. The scheduler declares the runs of a runner
 * silent for `runnerLostSeconds` lost, so that is kept to several of these: a runner that misses
 * one beat (a slow write, a busy moment) keeps its runs.
 */
export const RUNNER_HEARTBEAT_MS = 2_000;

/** Results already published, by job id, so a job delivered twice is answered from here. */
export const JOB_RESULTS_BUCKET = { name: 'ork_job_results', ttlMs: 24 * 60 * 60_000 } as const;

/** Jobs the scheduler called off (the Trak moved on, was cancelled, or its runner was lost), by job id; runners skip or stop them. */
export const JOB_CANCELS_BUCKET = { name: 'ork_job_cancels', ttlMs: 24 * 60 * 60_000 } as const;

/**
 * First token of a runner's reply subjects: a runner's NATS user may read replies there only, so
 * that it cannot read the services' replies and deliveries on `_INBOX.>` (deploy/nats/nats-server.conf).
 */
export const RUNNER_INBOX_PREFIX = '_INBOX_ork_runner';

/** What every service provisions at boot; each service adds its own consumers. */
export const ORKESTRA_TOPOLOGY = {
  streams: [EVENTS_STREAM, JOBS_STREAM, RESULTS_STREAM, LOGS_STREAM],
  consumers: [],
  buckets: [RUNNERS_BUCKET, JOB_RESULTS_BUCKET, JOB_CANCELS_BUCKET],
} as const;

/** Subject tokens may not hold `.`, `*`, `>` or whitespace; anything else passes through. */
export const subjectToken = (value: string): string => (value === '' ? '_' : value.replace(/[.*>\s]/g, '_'));

/**
 * `ork.evt.<projectId>.<streamType>.<streamId>.<EventType>`: a subscriber can filter on a
 * project, a kind of stream, one stream or one event type. The stream type is the stream id's
 * prefix before its first `-` (`trak-…` → `trak`).
 */
export function eventSubject(event: { readonly streamId: string; readonly type: string; readonly metadata: Readonly<Record<string, unknown>> }): string {
  const projectId = typeof event.metadata['projectId'] === 'string' ? event.metadata['projectId'] : '_';
  const dash = event.streamId.indexOf('-');
  const streamType = dash > 0 ? event.streamId.slice(0, dash) : event.streamId;
  return ['ork', 'evt', projectId, streamType, event.streamId, event.type].map(subjectToken).join('.');
}

/**
 * `ork.job.<kind>.<agent or any>` for a job any runner may take, `ork.job.<kind>.<agent or any>.<pool>`
 * for one that needs labels (`gpu+linux`, see `labelPool`): runners read the kinds and agents they
 * can run, in the pools of every subset of their labels. A job's labels are its `runsOn`, or for an
 * agent run queued before jobs carried it, its stage's.
 */
export const jobSubject = (job: { readonly kind: Job['kind']; readonly stage?: unknown; readonly runsOn?: readonly string[] }): string => {
  const stage = job.stage as { readonly agent?: { readonly kind?: string }; readonly runsOn?: readonly string[] } | undefined;
  const agent = job.kind === 'agent-run' ? (stage?.agent?.kind ?? 'any') : 'any';
  const pool = labelPool(job.runsOn ?? (job.kind === 'agent-run' ? (stage?.runsOn ?? []) : []));
  return ['ork', 'job', job.kind, agent, ...(pool === '' ? [] : [pool])].map(subjectToken).join('.');
};

/**
 * A durable consumer of `ORK_JOBS` that runners share; a `ConsumerSpec` of the Bus port, checked
 * structurally where a runner provisions it.
 */
export interface RunnerJobConsumer {
  readonly stream: string;
  readonly durable: string;
  /** Exactly one subject: nats-server 2.9 takes no more. */
  readonly filterSubjects: readonly [string];
  readonly ackWaitMs: number;
}

/**
 * The durable consumers of `ORK_JOBS` a runner with these agent CLIs and labels reads, each shared
 * with every runner that reads it: per kind of work (agent runs per CLI, gate runs, integrations),
 * one for jobs any runner may take (`runners-gate`, as before labels) and one per non-empty subset
 * of its labels (`runners-gate@gpu+linux`). A job's subject names exactly one pool, so no two
 * consumers overlap, as a work-queue stream requires, and each takes one filter subject, as
 * nats-server 2.9 requires.
 */
export function runnerJobConsumers(agents: readonly string[], labels: readonly string[], ackWaitMs: number): RunnerJobConsumer[] {
  const kinds = [
    ...agents.map((agent) => ({ name: `agent-${agent}`, kind: 'agent-run' as const, stage: { agent: { kind: agent } } })),
    { name: 'gate', kind: 'gate-run' as const },
    { name: 'integration', kind: 'integration' as const },
  ];
  return labelSubsets(labels).flatMap((subset) => {
    const pool = labelPool(subset);
    return kinds.map(({ name, ...job }) => ({
      stream: JOBS_STREAM.name,
      durable: pool === '' ? `runners-${name}` : `runners-${name}@${pool}`,
      filterSubjects: [jobSubject({ ...job, runsOn: subset })] as const,
      ackWaitMs,
    }));
  });
}

/** `ork.res.<jobId>.<kind>`: one subject per job, so the scheduler can follow one job. */
export const resultSubject = (result: { readonly jobId: string; readonly kind: JobResult['kind'] }): string =>
  ['ork', 'res', result.jobId, result.kind].map(subjectToken).join('.');

/**
 * The message id a result is published under: a job ends once, but every runner that starts it
 * says so (a takeover after its runner was killed, restarted or drained), so `agent-started`
 * carries the runner's name and the life of its process: the same runner restarted is not a
 * duplicate of its previous life.
 */
export const resultMsgId = (result: { readonly jobId: string; readonly kind: JobResult['kind']; readonly runnerId?: string; readonly incarnation?: string }): string =>
  result.kind === 'agent-started' ? `${result.jobId}:${result.kind}:${result.runnerId ?? ''}:${result.incarnation ?? ''}` : `${result.jobId}:${result.kind}`;

/** `ork.log.<trakId>.<jobId>`: a run's live output, replayable by late subscribers. */
export const logSubject = (trakId: string, jobId: string): string => ['ork', 'log', trakId, jobId].map(subjectToken).join('.');
