import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { MAX_RUNNER_LABELS, RUNNER_LABEL_PATTERN, RUNNER_LABEL_RULE, canonicalLabels } from '@orkestra/domain';
import { hostSetting, integerSetting, loadConfig, portSetting } from '@orkestra/platform';
import type { Config, Env } from '@orkestra/platform';
import { z } from 'zod';
import { runnerNameFromHostname, runnerNameSetting } from './runner-name.js';

export const RUNNER_SERVICE = 'runner';

/** The runner's settings, each from its env var or the yaml file named by `ORK_RUNNER_CONFIG_FILE`. */
export const runnerConfigSchema = z.strictObject({
  port: portSetting().default(4103).meta({ env: 'ORK_RUNNER_PORT' }),
  host: hostSetting().default('127.0.0.1').meta({ env: 'ORK_RUNNER_HOST' }),
  /** How this runner is known to the scheduler and in logs; unique per team. */
  name: runnerNameSetting()
    .default(() => runnerNameFromHostname(hostname()))
    .meta({ env: 'ORK_RUNNER_NAME' }),
  /** How many jobs (agent runs, gates) it runs at once. */
  slots: integerSetting({ min: 1 }).default(2).meta({ env: 'ORK_RUNNER_SLOTS' }),
  /** Where jobs come from. Without it the runner only answers /health and takes no work. */
  natsUrl: z
    .string()
    .regex(/^(nats|tls|ws|wss):\/\/\S+$/, { error: 'expected a NATS URL such as nats://127.0.0.1:4222' })
    .optional()
    .meta({ env: 'ORK_RUNNER_NATS_URL' }),
  /**
   * The NATS user and password, when the server asks for them (the team deployment's user
   * `runner`). They may instead be in the URL (`nats://runner:<password>@host:4222`); these win.
   */
  natsUser: z.string().min(1).optional().meta({ env: 'ORK_RUNNER_NATS_USER' }),
  natsPassword: z.string().min(1).optional().meta({ env: 'ORK_RUNNER_NATS_PASSWORD' }),
  /** Put before every stream, subject and bucket name, so several installations can share one NATS. */
  natsNamespace: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, { error: 'expected letters, digits, "-" or "_"' })
    .default('')
    .meta({ env: 'ORK_RUNNER_NATS_NAMESPACE' }),
  /** Git mirrors, worktrees and the agents' temporary files. */
  dataDir: z
    .string()
    .min(1)
    .default(() => path.join(homedir(), '.orkestra', 'runner'))
    .meta({ env: 'ORK_RUNNER_DATA_DIR' }),
  /**
   * What this runner offers, e.g. `gpu,linux` (comma-separated in the env var): it takes jobs of
   * stages whose `runs_on` lists some of them and nothing else, and stages without `runs_on`.
   * Compared in lower case. It reads a queue per subset of them, hence the bound.
   */
  labels: z
    .preprocess(
      (value) => (typeof value === 'string' ? value.split(',').map((l) => l.trim()).filter((l) => l !== '') : value),
      z
        .array(z.string().regex(RUNNER_LABEL_PATTERN, { error: `expected a runner label: ${RUNNER_LABEL_RULE}` }))
        .transform(canonicalLabels)
        .refine((labels) => labels.length <= MAX_RUNNER_LABELS, {
          error: (issue) =>
            `at most ${MAX_RUNNER_LABELS} labels: a runner reads one queue per subset of its labels, and ${(issue.input as string[]).length} would make ${2 ** (issue.input as string[]).length}`,
        }),
    )
    .default([])
    .meta({ env: 'ORK_RUNNER_LABELS' }),
  /** On SIGTERM, how long running jobs may go on before they are stopped and handed back. */
  drainGraceSeconds: integerSetting({ min: 0 }).default(60).meta({ env: 'ORK_RUNNER_DRAIN_GRACE_SECONDS' }),
  /**
   * A job this runner has not reported on for this long goes to another runner (it reports every
   * third of it while it works, on a timer of its own that agent work does not hold up), so a
   * killed runner's job starts elsewhere within this long of its last report. Shorter hands over
   * sooner; it must stay well above a hiccup of the runner's NATS connection. Runners share one
   * queue per kind of work and the last one started sets it for all: use one value everywhere.
   */
  ackWaitSeconds: integerSetting({ min: 1 }).default(10).meta({ env: 'ORK_RUNNER_ACK_WAIT_SECONDS' }),
  /** Agent CLI paths; a kind not given is looked up on PATH (`claude`, `opencode`). */
  agents: z.strictObject({ claudecode: z.string().min(1).optional(), opencode: z.string().min(1).optional() }).default({}),
  /** The projects this runner serves, by project id: their git remote and worktree setup. */
  projects: z
    .record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: 'expected a project id of letters, digits, "-" or "_"' }),
      z.strictObject({
        /** Any URL git can fetch and push, or a path to a bare repository. */
        remote: z.string().min(1, { error: 'expected a git remote URL or a path to a bare repository' }),
        /** Setup script run in each new worktree; default `.orkestra/scripts/setup.sh` when present. */
        setupScript: z.string().min(1).optional(),
        /** Ignored files copied into each new worktree (e.g. `.env`), from `copyFrom`. */
        copyIgnored: z.array(z.string().min(1)).default([]),
        copyFrom: z.string().min(1).optional(),
      }),
    )
    .default({}),
  /**
   * The projects whose jobs this runner takes, besides those under `projects` (whose own entry
   * always wins over the repository a job carries). Unset: jobs of any project, cloned from the
   * repository the job carries. Jobs of other projects go back to the queue for another runner.
   */
  serveProjects: z
    .preprocess((value) => (typeof value === 'string' ? value.split(',').map((p) => p.trim()).filter((p) => p !== '') : value), z.array(z.string().min(1)))
    .optional()
    .meta({ env: 'ORK_RUNNER_SERVE_PROJECTS' }),
}).superRefine((config, context) => {
  // A password alone would be dropped, and the server's refusal would not say why.
  if (config.natsPassword !== undefined && config.natsUser === undefined) {
    context.addIssue({ code: 'custom', path: ['natsUser'], message: 'is required with a NATS password (ORK_RUNNER_NATS_PASSWORD): set the user it belongs to' });
  }
});

/** Whether a runner with this config takes the jobs of `projectId`. */
export const servesProject = (config: Pick<RunnerConfig, 'projects' | 'serveProjects'>, projectId: string): boolean =>
  config.projects[projectId] !== undefined || config.serveProjects === undefined || config.serveProjects.includes(projectId);

export type RunnerConfig = Config<typeof runnerConfigSchema>;

/** Injection token for the frozen {@link RunnerConfig}. */
export const RUNNER_CONFIG = Symbol('RUNNER_CONFIG');

/** Injection token for `{ bus }`: the bus handed in by a hosting process, if any (`RunnerModuleOptions`). */
export const RUNNER_BUS = Symbol('RUNNER_BUS');

/** Reads and validates the config; throws ConfigError naming each bad key (`ORK_RUNNER_*` typos included). */
export const loadRunnerConfig = (env: Env, file?: string): RunnerConfig =>
  loadConfig(runnerConfigSchema, { env, file, envPrefix: 'ORK_RUNNER_' });
