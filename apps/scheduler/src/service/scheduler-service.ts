import { trakCommands } from '@orkestra/application';
import {
  EVENTS_STREAM,
  JOBS_STREAM,
  JOB_CANCELS_BUCKET,
  MalformedMessageError,
  RESULTS_STREAM,
  RUNNERS_BUCKET,
  RUNNER_HEARTBEAT_MS,
  correlationIdOf,
  jobResultSchema,
  parseMessageData,
  publishedEventSchema,
} from '@orkestra/contracts';
import type { JobCancel } from '@orkestra/contracts';
import type { Bus, BusMessage, ConsumerSpec, Consumption, KeyValueBucket } from '@orkestra/application';
import type { ConcurrencyLimits, FlowBudget, Job } from '@orkestra/domain';
import { OutboxRelay, PostgresEventStore } from '@orkestra/event-store';
import { withCorrelationId } from '@orkestra/platform';
import type pg from 'pg';
import { JobDispatcher } from '../dispatch/job-dispatcher.js';
import { PipelineProcessor } from '../pipeline/pipeline-processor.js';
import { PostgresJobQueue, PostgresRateLimitHolds, PostgresUsageLedger } from '../postgres/postgres-job-queue.js';
import { PostgresTimerFirer } from '../postgres/postgres-timer-store.js';
import { PostgresTransactions } from '../postgres/postgres-transactions.js';
import { FreshBusRecovery } from '../recovery/fresh-bus-recovery.js';
import type { RecoveryReport } from '../recovery/fresh-bus-recovery.js';
import { RunnerDirectory } from '../runners/runner-directory.js';
import { RunnerWatch } from '../runners/runner-watch.js';
import { Loop } from './loop.js';

export interface SchedulerServiceOptions {
  readonly pool: pg.Pool;
  readonly databaseUrl: string;
  readonly bus: Bus;
  /**
   * The bus holds nothing of what this installation sent before (an in-process bus is new with
   * each process): at start, before taking any message, the scheduler recovers what the old bus
   * took with it (see `FreshBusRecovery`). Only for a scheduler alone with its bus.
   */
  readonly freshBus?: boolean;
  readonly limits: ConcurrencyLimits;
  /** Spending limits by project id. */
  readonly projectBudgets?: Readonly<Record<string, FlowBudget>>;
  readonly instance: string;
  readonly runnerLostMs: number;
  /** Events and results handled at once. */
  readonly concurrency: number;
  readonly ackWaitMs?: number;
  readonly runnerWatchIntervalMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Hooks for metrics. */
  readonly observe?: {
    readonly resultRecorded?: (trakId: string) => void;
    readonly dispatched?: (jobs: readonly Job[]) => void;
    /** A message was refused as malformed (and will not come again); by consumer. */
    readonly malformed?: (consumer: MalformedConsumer) => void;
  };
}

/**
 * How stale the dispatcher's view of the live runners may get while a job waits for labels; the
 * dispatcher's idle round (2 s) asks again, so a runner that registers gets such a job within seconds.
 */
const RUNNER_DIRECTORY_MAX_AGE_MS = 1_000;

/** How often the scheduler looks for runners gone silent: the runners heartbeat this often too. */
const RUNNER_WATCH_INTERVAL_MS = RUNNER_HEARTBEAT_MS;

/** Where the scheduler takes messages from that may be refused as malformed. */
export type MalformedConsumer = 'scheduler-events' | 'scheduler-results' | 'runner-registry';

/** The scheduler's durable consumers: every Trak event, every runner result. */
export const schedulerConsumers = (ackWaitMs: number): ConsumerSpec[] => [
  { stream: EVENTS_STREAM.name, durable: 'scheduler-events', filterSubjects: ['ork.evt.*.trak.>'], ackWaitMs },
  { stream: RESULTS_STREAM.name, durable: 'scheduler-results', ackWaitMs },
];

/**
 * The scheduler at work: relays the log to the bus, runs the pipeline on every Trak event and
 * runner result, sends jobs within the limits, fires timers and notices lost runners. Several
 * instances may run at once: one relays (the others stand by), they share the consumers' messages
 * and the timers, and dispatch passes take turns.
 */
export class SchedulerService {
  readonly processor: PipelineProcessor;
  private readonly relay: OutboxRelay;
  private readonly dispatching: Loop;
  private readonly firing: Loop;
  private watching: Loop | undefined;
  private directory: RunnerDirectory | undefined;
  private consumptions: Consumption[] = [];
  /** What the recovery from a fresh bus did at start, when there was one. */
  recovered: RecoveryReport | undefined;

  constructor(private readonly options: SchedulerServiceOptions) {
    const { pool, bus, log } = options;
    const timers = new PostgresTimerFirer(pool);
    // Opened once, on the first call-off.
    let cancelled: Promise<KeyValueBucket> | undefined;
    const logOption = log === undefined ? {} : { log };
    this.relay = new OutboxRelay({ databaseUrl: options.databaseUrl, bus, instance: options.instance, ...logOption });
    const dispatcher = new JobDispatcher({
      pool,
      bus,
      limits: options.limits,
      ...(options.observe?.dispatched !== undefined && { onDispatched: options.observe.dispatched }),
      runners: () => this.directory?.live() ?? [],
      onNoRunner: (job, correlationId) => this.processor.onNoRunner(job, correlationId),
      onRunnerFound: (job, correlationId) => this.processor.onRunnerFound(job, correlationId),
    });
    // Woken when a job is queued or a slot frees; the idle round catches other instances' changes and ended holds.
    this.dispatching = new Loop({ name: 'dispatcher', idleMs: 2_000, step: () => dispatcher.pass(), ...logOption });
    this.firing = new Loop({ name: 'timer firer', idleMs: 1_000, step: () => timers.fireDue(({ timer, dueAt, correlationId }) => this.processor.onTimer(timer, dueAt, correlationId)), ...logOption });
    this.processor = new PipelineProcessor({
      traks: trakCommands({ store: new PostgresEventStore(pool) }),
      transactions: new PostgresTransactions(pool, (store) => trakCommands({ store })),
      queue: new PostgresJobQueue(pool),
      holds: new PostgresRateLimitHolds(pool),
      usage: new PostgresUsageLedger(pool),
      projectBudget: (projectId) => options.projectBudgets?.[projectId],
      cancels: {
        cancel: async (jobId, reason) => {
          cancelled ??= bus.bucket(JOB_CANCELS_BUCKET.name).catch((error: unknown) => {
            cancelled = undefined;
            throw error;
          });
          const cancel: JobCancel = { reason, at: new Date().toISOString() };
          await (await cancelled).put(jobId, cancel);
        },
      },
      wakeDispatcher: () => this.dispatching.wake(),
      wakeTimers: () => this.firing.wake(),
      serving: withCorrelationId,
      ...logOption,
      ...(options.observe?.resultRecorded !== undefined && { onResultRecorded: options.observe.resultRecorded }),
    });
  }

  async start(): Promise<void> {
    const { bus, concurrency } = this.options;
    const ackWaitMs = this.options.ackWaitMs ?? 30_000;
    const consumers = schedulerConsumers(ackWaitMs);
    await bus.provision({ streams: [EVENTS_STREAM, JOBS_STREAM, RESULTS_STREAM], consumers, buckets: [RUNNERS_BUCKET, JOB_CANCELS_BUCKET] });
    const registry = await bus.bucket(RUNNERS_BUCKET.name);
    // Read before the first dispatch pass, so a job needing labels is never judged against no runners at all.
    this.directory = new RunnerDirectory({ registry, maxAgeMs: RUNNER_DIRECTORY_MAX_AGE_MS, onChange: () => this.dispatching.wake(), ...(this.options.log !== undefined && { log: this.options.log }) });
    await this.directory.refresh();
    if (this.options.freshBus === true) {
      this.recovered = await new FreshBusRecovery({ pool: this.options.pool, traks: trakCommands({ store: new PostgresEventStore(this.options.pool) }), processor: this.processor, ...(this.options.log !== undefined && { log: this.options.log }) }).run();
    }
    this.relay.start();
    this.dispatching.start();
    this.firing.start();
    const watch = new RunnerWatch({
      pool: this.options.pool,
      registry,
      lostAfterMs: this.options.runnerLostMs,
      onLost: (run) => this.processor.onRunLost(run),
      onMalformed: (key, error) => this.malformed('runner-registry', `${RUNNERS_BUCKET.name}.${key}`, error),
    });
    this.watching = new Loop({ name: 'runner watch', idleMs: this.options.runnerWatchIntervalMs ?? RUNNER_WATCH_INTERVAL_MS, step: () => watch.round(), ...(this.options.log !== undefined && { log: this.options.log }) });
    this.watching.start();
    const onError = (what: string) => (error: unknown, message: { subject: string }) =>
      this.options.log?.(`${what} failed; it will be delivered again`, { subject: message.subject, error: error instanceof Error ? error.message : String(error) });
    this.consumptions.push(
      await bus.consume(
        EVENTS_STREAM.name,
        'scheduler-events',
        async (message) => {
          const event = parseMessageData(publishedEventSchema, message.data, 'event');
          return event instanceof MalformedMessageError ? this.refuse('scheduler-events', message, event) : this.processor.onEvent(event);
        },
        { concurrency, onError: onError('handling an event') },
      ),
      await bus.consume(
        RESULTS_STREAM.name,
        'scheduler-results',
        async (message) => {
          const result = parseMessageData(jobResultSchema, message.data, 'result');
          return result instanceof MalformedMessageError ? this.refuse('scheduler-results', message, result) : this.processor.onResult(result, correlationIdOf(message.headers));
        },
        { concurrency, onError: onError('handling a result') },
      ),
    );
  }

  /** A message no delivery can make sense of: dropped for good (`term`), logged with its reason, counted. */
  private refuse(consumer: MalformedConsumer, message: BusMessage, error: MalformedMessageError): void {
    message.term(error.reason);
    this.malformed(consumer, message.subject, error);
  }

  private malformed(consumer: MalformedConsumer, subject: string, error: MalformedMessageError): void {
    this.options.log?.('malformed message refused', { consumer, subject, reason: error.reason });
    this.options.observe?.malformed?.(consumer);
  }

  /** Stops taking messages, lets those in flight finish, stops the loops and the relay. */
  async stop(): Promise<void> {
    await Promise.all(this.consumptions.map((c) => c.stop()));
    this.consumptions = [];
    await Promise.all([this.watching?.stop(), this.firing.stop(), this.dispatching.stop(), this.relay.stop()]);
  }
}
