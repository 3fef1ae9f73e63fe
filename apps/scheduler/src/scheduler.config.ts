import { hostname } from 'node:os';
import { databaseUrlSetting, hostSetting, integerSetting, loadConfig, natsNamespaceSetting, natsUrlSetting, portSetting } from '@orkestra/platform';
import { RUNNER_HEARTBEAT_MS } from '@orkestra/contracts';
import type { ConcurrencyLimits } from '@orkestra/domain';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';

export const SCHEDULER_SERVICE = 'scheduler';

const projectId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: 'expected a project id of letters, digits, "-" or "_"' });

/** The scheduler's settings, each from its env var or the yaml file named by `ORK_SCHEDULER_CONFIG_FILE`. */
export const schedulerConfigSchema = z.strictObject({
  port: portSetting().default(4102).meta({ env: 'ORK_SCHEDULER_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_SCHEDULER_HOST' }),
  /** The event log. Without it (and NATS) the scheduler only answers /health and does no work. */
  databaseUrl: databaseUrlSetting().optional().meta({ env: 'ORK_SCHEDULER_DATABASE_URL' }),
  natsUrl: natsUrlSetting().optional().meta({ env: 'ORK_SCHEDULER_NATS_URL' }),
  natsNamespace: natsNamespaceSetting().default('').meta({ env: 'ORK_SCHEDULER_NATS_NAMESPACE' }),
  /** This instance's name in logs and in Postgres' list of connections. */
  instance: z
    .string()
    .min(1)
    .default(() => `${hostname()}-${process.pid}`)
    .meta({ env: 'ORK_SCHEDULER_INSTANCE' }),
  /** Jobs out on the bus at once (sent to runners and not finished), all projects together. */
  maxJobs: integerSetting({ min: 1 }).default(100).meta({ env: 'ORK_SCHEDULER_MAX_JOBS' }),
  /** Jobs out at once per project, unless `projectMaxJobs` names the project. */
  maxJobsPerProject: integerSetting({ min: 1 }).default(20).meta({ env: 'ORK_SCHEDULER_MAX_JOBS_PER_PROJECT' }),
  /** A different per-project limit for some projects, by project id (yaml only). */
  projectMaxJobs: z.record(projectId, integerSetting({ min: 1 })).default({}),
  /** Agent runs at once per agent CLI (yaml only); a kind not named is bounded only by the other limits. */
  agentMaxJobs: z.strictObject({ claudecode: integerSetting({ min: 1 }).optional(), opencode: integerSetting({ min: 1 }).optional() }).default({}),
  /**
   * Spending limits per project, by project id (yaml only): `maxCostUsd` and/or `maxTokens`
   * summed over every agent run of the project. Once crossed, no new stage of the project starts;
   * its Traks wait Blocked with their work kept until the budget is raised and they are retried.
   */
  projectBudgets: z
    .record(projectId, z.strictObject({ maxCostUsd: z.number().positive().optional(), maxTokens: integerSetting({ min: 1 }).optional() }))
    .default({}),
  /**
   * A runner not heard from for this long has lost its agent runs; they run again elsewhere. A
   * backstop: a killed runner's job is normally taken over sooner, once the bus redelivers it
   * (the runners' ack wait, 10 s). At least three of the runners' 2 s heartbeats.
   */
  runnerLostSeconds: integerSetting({ min: (3 * RUNNER_HEARTBEAT_MS) / 1000 })
    .default(20)
    .meta({ env: 'ORK_SCHEDULER_RUNNER_LOST_SECONDS' }),
  /** Events and results handled at once by this instance. */
  concurrency: integerSetting({ min: 1 }).default(16).meta({ env: 'ORK_SCHEDULER_CONCURRENCY' }),
});

export type SchedulerConfig = Config<typeof schedulerConfigSchema>;

/** The limits of a config, in the shape the dispatch policy takes. */
export const concurrencyLimits = (config: SchedulerConfig): ConcurrencyLimits => ({
  global: config.maxJobs,
  perProject: config.maxJobsPerProject,
  projects: config.projectMaxJobs,
  perAgent: config.agentMaxJobs,
});

/** Injection token for the frozen {@link SchedulerConfig}. */
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

/** Injection token for the bus handed in by a hosting process, if any (`SchedulerBusOption`). */
export const SCHEDULER_BUS = Symbol('SCHEDULER_BUS');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_SCHEDULER_*` typos included). */
export const loadSchedulerConfig = (env: Env, file?: string): SchedulerConfig =>
  loadConfig(schedulerConfigSchema, { env, file, envPrefix: 'ORK_SCHEDULER_' });
