import { randomUUID } from 'node:crypto';
import {
  JOBS_STREAM,
  JOB_CANCELS_BUCKET,
  JOB_RESULTS_BUCKET,
  LOGS_STREAM,
  RESULTS_STREAM,
  RUNNERS_BUCKET,
  RUNNER_HEARTBEAT_MS,
  labelPool,
  labelSubsets,
  logSubject,
  resultMsgId,
  resultSubject,
  runnerJobConsumers,
} from '@orkestra/contracts';
import { MalformedMessageError, jobCancelSchema, jobSchema, parseMessage, parseMessageData, storedJobResultSchema } from '@orkestra/contracts';
import { correlationHeaders, correlationIdOf } from '@orkestra/contracts';
import { currentCorrelationId, withCorrelationId } from '@orkestra/platform';
import type { Bus, BusMessage, ConsumeCapacity, Consumption, KeyValueBucket } from '@orkestra/application';
import type { DiskReport, JobCancel, LogLine, RunnerEntry } from '@orkestra/contracts';
import type { AgentKind, AgentRunJob, GateRunJob, IntegrationJob, Job, JobResult } from '@orkestra/domain';
import type { ProcessRecorder } from '@orkestra/agents';
import type { JobHooks } from '../jobs/runner-jobs.js';
import { Slots } from './slots.js';

/** What the runner does with a job; `createRunnerJobs` in production, a fake in unit tests. */
export interface JobExecutor {
  agentRun(job: AgentRunJob, hooks: JobHooks): Promise<JobResult>;
  gateRun(job: GateRunJob, hooks: JobHooks): Promise<JobResult>;
  integration(job: IntegrationJob): Promise<JobResult>;
}

export interface RunnerIdentity {
  readonly name: string;
  /** It takes jobs needing any subset of these (at most `MAX_RUNNER_LABELS`), and jobs needing none. */
  readonly labels: readonly string[];
  /** Agent CLIs found on this machine; only their jobs are taken. */
  readonly agents: readonly AgentKind[];
  readonly slots: number;
  /**
   * This life of the runner process, new at each start (default: a random id): its starts of a job
   * are told apart from those of its previous life, so a job it takes over after a restart is
   * recorded as a takeover and not dropped as a repeat.
   */
  readonly incarnation?: string;
}

export interface RunnerServiceOptions {
  readonly bus: Bus;
  readonly executor: JobExecutor;
  readonly identity: RunnerIdentity;
  readonly now?: () => Date;
  /** A job not heard of within this is redelivered elsewhere; `working()` is sent every third of it. Default 10 s. */
  readonly ackWaitMs?: number;
  /** How often the registry entry is refreshed. Default `RUNNER_HEARTBEAT_MS` (2 s; the bucket forgets a runner after 30 s). */
  readonly heartbeatMs?: number;
  /** How often a running job looks whether the scheduler called it off. Default 2 s. */
  readonly cancelPollMs?: number;
  /** Whether this runner takes the job's project; a job it does not take goes back to the queue for another runner. Default: every project. */
  readonly serves?: (job: Job) => boolean;
  /** How long a job handed back waits before it is offered again. Default 1 s. */
  readonly handBackDelayMs?: number;
  /** Where the process groups a job starts are written down (see `ProcessRecords`), by job. */
  readonly processes?: (job: Job, what: 'agent' | 'gate' | 'setup') => ProcessRecorder;
  /** Disk use for the registry entry, read at every write. */
  readonly status?: () => { readonly disk?: DiskReport };
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The gist of a result for the log line of a job that ended. */
function outcomeOf(result: JobResult): Record<string, unknown> {
  switch (result.kind) {
    case 'agent-failed':
      return { reason: result.reason };
    case 'gate-finished':
      return { exitCode: result.exitCode, timedOut: result.timedOut };
    case 'integration-finished':
      return { outcome: result.result.kind };
    default:
      return {};
  }
}

/** Backoff between attempts to store or publish a finished job's result: doubling from the first to the max. */
const RESULT_RETRY_FIRST_MS = 250;
const RESULT_RETRY_MAX_MS = 5_000;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A runner on the bus: registers itself, takes jobs it can run (never more than its slots at
 * once), keeps each one alive with `working()`, publishes live output and the result, and on
 * `drain()` takes nothing new, lets running jobs finish within a grace period, then stops them
 * so the bus hands them to another runner. A job the scheduler calls off (an entry in the
 * cancels bucket) is not started, or is stopped while it runs, and is acked without a result.
 * Never touches Postgres.
 */
export class RunnerService {
  private readonly slots: Slots;
  private readonly ackWaitMs: number;
  private readonly cancelPollMs: number;
  private readonly running = new Map<string, AbortController>();
  /** Jobs this runner has from their checks until it is done with them, by id; see `followEarlierDelivery`. */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private consumptions: Consumption[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private registry: KeyValueBucket | undefined;
  private results: KeyValueBucket | undefined;
  private cancels: KeyValueBucket | undefined;
  private readonly startedAt: string;
  /** This life of the runner process; see {@link RunnerIdentity.incarnation}. */
  readonly incarnation: string;
  /** The label pools it reads besides the one for jobs any runner may take; in the registry, so the scheduler knows it routes by labels. */
  private pools: string[] = [];
  /** Jobs taken from the bus and not done with, waiting for a slot or running. */
  private held = 0;
  private readonly roomListeners = new Set<() => void>();
  /** Shared by all its queues: a runner with every slot taken asks none of them for more. */
  private readonly capacity: ConsumeCapacity = {
    free: () => this.options.identity.slots - this.held,
    onFree: (listener) => {
      this.roomListeners.add(listener);
      return () => this.roomListeners.delete(listener);
    },
  };
  /** Messages refused as malformed, by consumer; reported in the registry entry. */
  private readonly malformed: Record<string, number> = {};

  constructor(private readonly options: RunnerServiceOptions) {
    this.slots = new Slots(options.identity.slots);
    this.ackWaitMs = options.ackWaitMs ?? 10_000;
    this.cancelPollMs = options.cancelPollMs ?? 2_000;
    this.startedAt = this.now();
    this.incarnation = options.identity.incarnation ?? randomUUID();
  }

  async start(): Promise<void> {
    const { bus, identity } = this.options;
    const consumers = runnerJobConsumers(identity.agents, identity.labels, this.ackWaitMs);
    this.pools = labelSubsets(identity.labels).map(labelPool).filter((pool) => pool !== '');
    await bus.provision({ streams: [JOBS_STREAM, RESULTS_STREAM, LOGS_STREAM], consumers, buckets: [RUNNERS_BUCKET, JOB_RESULTS_BUCKET, JOB_CANCELS_BUCKET] });
    this.registry = await bus.bucket(RUNNERS_BUCKET.name);
    this.results = await bus.bucket(JOB_RESULTS_BUCKET.name);
    this.cancels = await bus.bucket(JOB_CANCELS_BUCKET.name);
    await this.register();
    this.heartbeat = setInterval(() => void this.register().catch((error: unknown) => this.log('runner heartbeat failed', { error: String(error) })), this.options.heartbeatMs ?? RUNNER_HEARTBEAT_MS);
    for (const consumer of consumers) {
      this.consumptions.push(
        await bus.consume(JOBS_STREAM.name, consumer.durable, (message) => this.serve(message), {
          concurrency: identity.slots,
          capacity: this.capacity,
          onError: (error, message) => this.log('job handling failed; it will be redelivered', { subject: message.subject, error: String(error) }),
        }),
      );
    }
    this.log('runner started', { name: identity.name, incarnation: this.incarnation, agents: identity.agents, labels: identity.labels, slots: identity.slots, queues: consumers.length });
  }

  /** Takes no new jobs; running ones get `graceMs` to finish, then are stopped and handed back. */
  async drain(graceMs: number): Promise<void> {
    const stopped = Promise.all(this.consumptions.map((c) => c.stop()));
    const timer = setTimeout(() => {
      for (const controller of this.running.values()) controller.abort();
    }, graceMs);
    await stopped;
    clearTimeout(timer);
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    await this.registry?.delete(this.options.identity.name).catch(() => undefined);
    this.log('runner drained', { name: this.options.identity.name });
  }

  /**
   * Handles the job as the serving of its correlation id (the job's id when it came without one):
   * what the runner logs while handling it carries the id, and so do its results.
   */
  private serve(message: BusMessage): Promise<void> {
    const correlationId = correlationIdOf(message.headers) ?? message.msgId;
    return correlationId === undefined ? this.hold(message) : withCorrelationId(correlationId, () => this.hold(message));
  }

  /** Counts the job as held while it is handled, so the runner's queues take no more than its slots. */
  private async hold(message: BusMessage): Promise<void> {
    this.held++;
    try {
      await this.handle(message);
    } finally {
      this.held--;
      for (const listener of this.roomListeners) listener();
    }
  }

  private async handle(message: BusMessage): Promise<void> {
    const job = parseMessageData(jobSchema, message.data, 'job');
    if (job instanceof MalformedMessageError) {
      // Never runnable as sent: not redelivered, not retried.
      message.term(job.reason);
      this.noteMalformed('jobs', message.subject, job);
      return;
    }
    if (this.options.serves?.(job) === false) {
      // Another runner may serve the project; this one must not fail the job for it.
      message.nak(this.options.handBackDelayMs ?? 1_000);
      this.log('job handed back', { ...this.jobFields(job), reason: `this runner does not serve project ${job.projectId}` });
      return;
    }
    const held = this.inFlight.get(job.jobId);
    if (held !== undefined) return this.followEarlierDelivery(job, message, held);
    let settle: (done: boolean) => void = () => undefined;
    this.inFlight.set(job.jobId, new Promise<boolean>((resolve) => (settle = resolve)));
    let done = false;
    try {
      done = await this.run(job, message);
    } finally {
      this.inFlight.delete(job.jobId);
      settle(done);
    }
  }

  /**
   * Runs a job this runner took (unless it was called off or already done) and records its
   * result. True once the runner is done with it (result recorded, called off, answered from the
   * stored result); false when it handed the job back.
   */
  private async run(job: Job, message: BusMessage): Promise<boolean> {
    const cancelled = await this.cancelOf(job.jobId);
    if (cancelled !== undefined) {
      // Returning acks it: nobody should run it.
      this.log('job was called off before it ran; skipped', { ...this.jobFields(job), reason: cancelled.reason });
      return true;
    }
    const earlier = await this.storedResult(job.jobId);
    if (earlier !== undefined) {
      // Delivered again after it was done (a runner died before acking): answer, do not redo.
      await this.publishResult(earlier);
      return true;
    }

    const keepAlive = setInterval(() => message.working(), this.workingEveryMs());
    const controller = new AbortController();
    let calledOff: JobCancel | undefined;
    const stopWatching = this.watchForCancel(job.jobId, (cancel) => {
      calledOff = cancel;
      controller.abort();
    });
    try {
      await this.slots.acquire();
      this.running.set(job.jobId, controller);
      await this.register();
      const taken = Date.now();
      if (calledOff === undefined) this.log('job taken', { ...this.jobFields(job), delivery: message.deliveryCount });
      // Not started at all if it was called off while it waited for a slot.
      const result = calledOff === undefined ? await this.execute(job, message.deliveryCount, controller.signal) : undefined;
      stopWatching();
      if (calledOff !== undefined || result === undefined) {
        // Returning acks it: called off on purpose, so no result and no redelivery.
        this.log('job was called off; stopped it', { ...this.jobFields(job), reason: calledOff?.reason });
        return true;
      }
      if (controller.signal.aborted) {
        message.nak();
        this.log('job handed back', { ...this.jobFields(job), reason: 'the runner is stopping; another runner continues it from the pushed branch', ranMs: Date.now() - taken });
        return false;
      }
      try {
        await this.recordResult(result, controller.signal);
      } catch (error) {
        // The consumption naks it: the job runs again, here or elsewhere.
        this.log('job handed back', { ...this.jobFields(job), reason: error instanceof Error ? error.message : String(error), ranMs: Date.now() - taken });
        throw error;
      }
      this.log('job ended', { ...this.jobFields(job), result: result.kind, ...outcomeOf(result), ranMs: Date.now() - taken });
      return true;
    } finally {
      stopWatching();
      clearInterval(keepAlive);
      if (this.running.delete(job.jobId)) this.slots.release();
      await this.register().catch(() => undefined);
    }
  }

  /**
   * The job came again while this runner still has it: the bus took the earlier delivery for lost
   * (a NATS outage longer than the ack wait). It is not run twice: this delivery is kept alive
   * until the earlier one is done with, then acked, or handed back if that one was.
   */
  private async followEarlierDelivery(job: Job, message: BusMessage, earlier: Promise<boolean>): Promise<void> {
    this.log('job delivered again while this runner has it; not run twice', { ...this.jobFields(job), delivery: message.deliveryCount });
    const keepAlive = setInterval(() => message.working(), this.workingEveryMs());
    try {
      if (!(await earlier)) message.nak();
    } finally {
      clearInterval(keepAlive);
    }
  }

  private workingEveryMs(): number {
    return Math.max(50, Math.floor(this.ackWaitMs / 3));
  }

  /** The call-off of the job, if any. An entry under its id calls it off even when its value is not a call-off's. */
  private async cancelOf(jobId: string): Promise<JobCancel | undefined> {
    const entry = await this.cancels!.get(jobId);
    if (entry === undefined) return undefined;
    const cancel = parseMessage(jobCancelSchema, entry.value, 'call-off');
    if (!(cancel instanceof MalformedMessageError)) return cancel;
    this.noteMalformed('job-cancels', `${JOB_CANCELS_BUCKET.name}.${jobId}`, cancel);
    return { reason: 'called off (the call-off itself was malformed)', at: this.now() };
  }

  /** The result this runner (or another) stored for the job; one that is not a result is ignored and the job runs. */
  private async storedResult(jobId: string): Promise<JobResult | undefined> {
    const entry = await this.results!.get(jobId);
    if (entry === undefined) return undefined;
    const result = parseMessage(storedJobResultSchema, entry.value, 'stored result');
    if (!(result instanceof MalformedMessageError)) return result;
    this.noteMalformed('job-results', `${JOB_RESULTS_BUCKET.name}.${jobId}`, result);
    return undefined;
  }

  /** Counts (for the registry entry) and logs a message refused as malformed; the caller settles it. */
  noteMalformed(consumer: string, subject: string, error: MalformedMessageError): void {
    this.malformed[consumer] = (this.malformed[consumer] ?? 0) + 1;
    this.log('malformed message refused', { consumer, subject, reason: error.reason });
  }

  /** Looks at the cancels bucket every `cancelPollMs` and calls `onCancel` once if the job is called off; returns the stop. */
  private watchForCancel(jobId: string, onCancel: (cancel: JobCancel) => void): () => void {
    let watching = true;
    const timer = setInterval(() => {
      void this.cancelOf(jobId).then(
        (cancel) => {
          if (cancel === undefined || !watching) return;
          stop();
          onCancel(cancel);
        },
        (error: unknown) => this.log('could not look for a job cancel', { jobId, error: String(error) }),
      );
    }, this.cancelPollMs);
    const stop = (): void => {
      watching = false;
      clearInterval(timer);
    };
    return stop;
  }

  private execute(job: Job, delivery: number, signal: AbortSignal): Promise<JobResult> {
    let line = 0;
    const publishLine = (entry: DistributiveOmit<LogLine, 'seq' | 'attempt' | 'at'>): void => {
      const seq = ++line;
      const logLine: LogLine = { seq, attempt: delivery, at: this.now(), ...entry };
      void this.options.bus
        .publish(logSubject(job.trakId, job.jobId), JSON.stringify(logLine), { msgId: `${job.jobId}:${delivery}:${seq}` })
        .catch((error: unknown) => this.log('could not publish a log line', { jobId: job.jobId, error: String(error) }));
    };
    const { processes } = this.options;
    const record = processes === undefined ? {} : { record: (what: 'agent' | 'gate' | 'setup') => processes(job, what) };
    switch (job.kind) {
      case 'agent-run':
        return this.options.executor.agentRun(job, {
          signal,
          ...record,
          onEntry: (entry) => {
            if (entry.kind === 'session') {
              const started: JobResult = { kind: 'agent-started', jobId: job.jobId, runnerId: this.options.identity.name, incarnation: this.incarnation, sessionId: entry.sessionId };
              void this.publishResult(started).catch(() => undefined);
            }
            publishLine(entry);
          },
        });
      case 'gate-run':
        return this.options.executor.gateRun(job, { signal, ...record, onLine: (text) => publishLine({ kind: 'gate_output', text }) });
      case 'integration':
        return this.options.executor.integration(job);
    }
  }

  private async publishResult(result: JobResult): Promise<void> {
    await this.options.bus.publish(resultSubject(result), JSON.stringify(result), { msgId: resultMsgId(result), headers: correlationHeaders(currentCorrelationId()) });
  }

  /**
   * Stores the result, then publishes it, each retried with backoff until it succeeds, so a
   * NATS outage does not lose work already done. Once stored, a redelivery of the job is
   * answered from the store. Gives up only when the job is stopped (drain past its grace):
   * then it throws, the job is handed back, and the log says what was lost.
   */
  private async recordResult(result: JobResult, signal: AbortSignal): Promise<void> {
    const { jobId } = result;
    const stored = await this.untilDone('store the result', jobId, signal, () => this.results!.put(jobId, result));
    if (!stored) {
      this.log('GAVE UP storing a finished job’s result while stopping; the job will run again on another runner', { jobId, result });
      throw new Error(`result of ${jobId} not stored: the runner stopped while NATS was unreachable`);
    }
    const published = await this.untilDone('publish the result', jobId, signal, () => this.publishResult(result));
    if (!published) {
      this.log('GAVE UP publishing a stored result while stopping; a redelivery of the job publishes it', { jobId, kind: result.kind });
      throw new Error(`result of ${jobId} stored but not published: the runner stopped while NATS was unreachable`);
    }
  }

  /** Runs `attempt` until it succeeds (true) or `signal` aborts (false), logging each failure and backing off 250 ms doubling to 5 s. */
  private async untilDone(what: string, jobId: string, signal: AbortSignal, attempt: () => Promise<unknown>): Promise<boolean> {
    for (let failures = 0; !signal.aborted; failures++) {
      try {
        await attempt();
        if (failures > 0) this.log(`${what}: done after ${failures} failed attempts`, { jobId });
        return true;
      } catch (error) {
        const delayMs = Math.min(RESULT_RETRY_MAX_MS, RESULT_RETRY_FIRST_MS * 2 ** Math.min(failures, 10));
        this.log(`could not ${what}; retrying`, { jobId, attempt: failures + 1, retryInMs: delayMs, error: String(error) });
        await abortableSleep(delayMs, signal);
      }
    }
    return false;
  }

  private async register(): Promise<void> {
    const { identity } = this.options;
    const { disk } = this.options.status?.() ?? {};
    const entry: RunnerEntry = {
      name: identity.name,
      labels: [...identity.labels],
      pools: [...this.pools],
      agents: [...identity.agents],
      slots: identity.slots,
      busy: this.running.size,
      jobs: [...this.running.keys()],
      startedAt: this.startedAt,
      incarnation: this.incarnation,
      lastSeen: this.now(),
      ...(disk !== undefined && { disk }),
      malformed: { ...this.malformed },
    };
    await this.registry?.put(identity.name, entry);
  }

  /** What every line about a job says: which job, of which Trak, what kind, on which runner (and life). */
  private jobFields(job: Job): Record<string, unknown> {
    return { jobId: job.jobId, trakId: job.trakId, kind: job.kind, runner: this.options.identity.name, incarnation: this.incarnation };
  }

  private now(): string {
    return (this.options.now ?? (() => new Date()))().toISOString();
  }

  private log(message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(message, fields);
  }
}
