import { trakCommands } from '@orkestra/application';
import { JOBS_STREAM, RESULTS_STREAM, RUNNERS_BUCKET, jobSchema, labelPool, labelSubsets, resultMsgId, resultSubject, runnerJobConsumers } from '@orkestra/contracts';
import type { RunnerEntry } from '@orkestra/contracts';
import type { Bus, Consumption, KeyValueBucket, TrakCommands } from '@orkestra/application';
import { JetStreamBus } from '@orkestra/bus';
import type { FlowDefinition, Job, JobResult, PendingCommand, TrakCommand, TrakState } from '@orkestra/domain';
import { PostgresEventStore, migrate } from '@orkestra/event-store';
import { testDatabase, testNats } from '@orkestra/testing';
import type { TestDatabase, TestNats } from '@orkestra/testing';
import pg from 'pg';
import { SchedulerService } from '../../src/service/scheduler-service.js';
import type { SchedulerServiceOptions } from '../../src/service/scheduler-service.js';

export const T0 = '2026-11-24T10:00:00.000Z';

/** One work stage checked by a script gate, then merged without a person: the shortest machine-driven flow. */
export const gatedFlow: FlowDefinition = {
  name: 'gated',
  stages: [
    {
      name: 'work',
      artifact: 'summary',
      prompt: 'work.md',
      agent: { kind: 'claudecode' },
      gate: { kind: 'script', command: 'npm test', timeoutSeconds: 60 },
      disallowedTools: [],
      maxAttempts: 3,
      agentTimeoutSeconds: 600,
    },
  ],
  integration: { onFailure: 'work', autoMerge: true },
};

export function createTrak(trakId: string, projectId: string, flow: FlowDefinition = gatedFlow): Extract<TrakCommand, { type: 'CreateTrak' }> {
  return {
    type: 'CreateTrak',
    data: { trakId, projectId, title: `Trak ${trakId}`, description: 'Do the thing', flow, subtaskFlows: {}, baseBranch: 'main', branch: `ork/${trakId}`, autoMode: true },
    metadata: { now: new Date().toISOString(), actor: 'alice' },
  };
}

/** Answers a job as a runner would: the results to publish, in order (none: the job is left hanging). */
export type RunnerScript = (job: Job) => JobResult[] | Promise<JobResult[]>;

/** A stand-in for the runners on the bus (the real one, or an in-process one): takes every job from ORK_JOBS and answers by script. */
export class ScriptedRunners {
  readonly received: Job[] = [];
  /** When each job arrived, by job id. */
  readonly receivedAt = new Map<string, number>();
  private consumption: Consumption | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly script: RunnerScript,
  ) {}

  async start(): Promise<void> {
    await this.bus.provision({ streams: [JOBS_STREAM, RESULTS_STREAM], consumers: [{ stream: JOBS_STREAM.name, durable: 'scripted-runners', ackWaitMs: 30_000 }], buckets: [] });
    this.consumption = await this.bus.consume(
      JOBS_STREAM.name,
      'scripted-runners',
      async (message) => {
        const job = jobSchema.parse(message.json());
        this.received.push(job);
        this.receivedAt.set(job.jobId, Date.now());
        for (const result of await this.script(job)) await this.publish(result);
      },
      { concurrency: 8 },
    );
  }

  publish(result: JobResult): Promise<unknown> {
    return this.bus.publish(resultSubject(result), JSON.stringify(result), { msgId: resultMsgId(result) });
  }

  jobIds(): string[] {
    return this.received.map((j) => j.jobId);
  }

  async stop(): Promise<void> {
    await this.consumption?.stop();
  }
}

/**
 * A stand-in for one runner with labels: reads the queues a runner with its labels reads (the same
 * durables, shared with other runners), registers in `ork_runners` as a runner does, and answers
 * by script. Nothing else may read `ORK_JOBS` in its spec file: an unfiltered reader overlaps these.
 */
export class LabelledRunner {
  readonly received: Job[] = [];
  private consumptions: Consumption[] = [];
  private registry: KeyValueBucket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: JetStreamBus,
    readonly name: string,
    readonly labels: readonly string[],
    private readonly script: RunnerScript,
  ) {}

  async start(): Promise<void> {
    const consumers = runnerJobConsumers(['claudecode'], this.labels, 30_000);
    await this.bus.provision({ streams: [JOBS_STREAM, RESULTS_STREAM], consumers, buckets: [RUNNERS_BUCKET] });
    for (const consumer of consumers) {
      this.consumptions.push(
        await this.bus.consume(JOBS_STREAM.name, consumer.durable, async (message) => {
          const job = jobSchema.parse(message.json());
          this.received.push(job);
          for (const result of await this.script(job)) await this.bus.publish(resultSubject(result), JSON.stringify(result), { msgId: resultMsgId(result) });
        }),
      );
    }
    this.registry = await this.bus.bucket(RUNNERS_BUCKET.name);
    const startedAt = new Date().toISOString();
    const register = () => {
      const entry: RunnerEntry = {
        name: this.name,
        labels: [...this.labels],
        pools: labelSubsets(this.labels).map(labelPool).filter((pool) => pool !== ''),
        agents: ['claudecode'],
        slots: 4,
        busy: 0,
        jobs: [],
        startedAt,
        lastSeen: new Date().toISOString(),
      };
      return this.registry!.put(this.name, entry);
    };
    await register();
    this.heartbeat = setInterval(() => void register().catch(() => undefined), 5_000);
  }

  jobIds(): string[] {
    return this.received.map((j) => j.jobId);
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all(this.consumptions.map((c) => c.stop()));
    await this.registry?.delete(this.name);
  }
}

/** A migrated database and a namespaced NATS for one spec file, and schedulers to run on them. */
export class SchedulerHarness {
  readonly pool: pg.Pool;
  readonly bus: JetStreamBus;
  readonly store: PostgresEventStore;
  private readonly services: SchedulerService[] = [];
  readonly logs: { message: string; fields?: Record<string, unknown> }[] = [];
  /** The path the api and the scheduler append through. */
  readonly traks: TrakCommands;

  private constructor(
    readonly database: TestDatabase,
    readonly nats: TestNats,
  ) {
    this.pool = new pg.Pool({ connectionString: database.url, max: 30 });
    this.bus = new JetStreamBus(nats.connection, { namespace: nats.prefix });
    this.store = new PostgresEventStore(this.pool);
    this.traks = trakCommands({ store: this.store });
  }

  static async create(): Promise<SchedulerHarness> {
    const database = await testDatabase();
    await migrate(database.url);
    return new SchedulerHarness(database, await testNats());
  }

  async startScheduler(options: Partial<SchedulerServiceOptions> = {}): Promise<SchedulerService> {
    const service = new SchedulerService({
      pool: this.pool,
      databaseUrl: this.database.url,
      bus: this.bus,
      limits: { global: 50, perProject: 50 },
      instance: `test-${this.services.length + 1}`,
      runnerLostMs: 60_000,
      concurrency: 8,
      log: (message, fields) => this.logs.push({ message, ...(fields !== undefined && { fields }) }),
      ...options,
    });
    await service.start();
    this.services.push(service);
    return service;
  }

  /** Stops every scheduler started so far, as a crash or a deploy would between two instances. */
  async stopSchedulers(): Promise<void> {
    for (const service of this.services.splice(0)) await service.stop();
  }

  /** Rows of the scheduler's own tables, for assertions on its durable state. */
  async rows<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T>(sql, params)).rows;
  }

  runners(script: RunnerScript): ScriptedRunners {
    return new ScriptedRunners(this.bus, script);
  }

  labelledRunner(name: string, labels: readonly string[], script: RunnerScript = happyRunner(name)): LabelledRunner {
    return new LabelledRunner(this.bus, name, labels, script);
  }

  /** Sends a person's command (its metadata names who and when). */
  async command(trakId: string, { metadata, ...command }: TrakCommand): Promise<void> {
    await this.traks.handle(trakId, command as PendingCommand, { actor: metadata.actor ?? 'alice', now: metadata.now });
  }

  async eventTypes(trakId: string): Promise<string[]> {
    return (await this.traks.read(trakId)).events.map((e) => e.type);
  }

  async state(trakId: string): Promise<TrakState> {
    return (await this.traks.read(trakId)).state;
  }

  async cleanup(): Promise<void> {
    await this.stopSchedulers().catch(() => undefined);
    await this.pool.end();
    await this.nats.cleanup();
    await this.database.drop();
  }
}

/** A runner that finishes every agent run with an artifact, passes every gate and merges. */
export const happyRunner = (runnerId = 'box-1'): RunnerScript => (job) => {
  switch (job.kind) {
    case 'agent-run':
      return [
        { kind: 'agent-started', jobId: job.jobId, runnerId, sessionId: `session-${job.trakId}` },
        { kind: 'agent-finished', jobId: job.jobId, output: { type: 'artifact', content: `done: ${job.jobId}` }, usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.01 }, sessionId: `session-${job.trakId}` },
      ];
    case 'gate-run':
      return [{ kind: 'gate-finished', jobId: job.jobId, exitCode: 0, timedOut: false, output: 'ok' }];
    case 'integration':
      return [{ kind: 'integration-finished', jobId: job.jobId, result: { kind: 'merged', mergeCommit: `merge-${job.trakId}` } }];
  }
};
