import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Bus } from '@orkestra/application';
import { busFailuresLoggedTo, connectBus } from '@orkestra/bus';
import { RUNNER_INBOX_PREFIX } from '@orkestra/contracts';
import type { AgentKind } from '@orkestra/domain';
import { createRunnerGit } from '@orkestra/git';
import { APP_LOGGER, ReadinessChecks, logWith } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { createRunnerJobs } from '../jobs/runner-jobs.js';
import { RUNNER_BUS, RUNNER_CONFIG, servesProject } from '../runner.config.js';
import type { RunnerConfig } from '../runner.config.js';
import { agentEnvironment } from './agent-environment.js';
import { lockDataDir } from './data-dir-lock.js';
import type { DataDirLock } from './data-dir-lock.js';
import { ProcessRecords } from './process-records.js';
import { RunTempDirs } from './run-temp-dirs.js';
import { detectAgents } from './detect-agents.js';
import { RunnerService } from './runner-service.js';
import { WorktreeCollection } from './worktree-collection.js';

/** Connects the runner to NATS at start and drains it on shutdown. Without a NATS URL it takes no work. */
@Injectable()
export class RunnerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private bus: Bus | undefined;
  /** The bus this lifecycle connected itself, and so closes; a shared one is its host's to close. */
  private ownBus: Bus | undefined;
  private service: RunnerService | undefined;
  private collection: WorktreeCollection | undefined;
  private lock: DataDirLock | undefined;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    @Inject(RUNNER_BUS) private readonly shared: { readonly bus: Bus | undefined },
    private readonly readiness: ReadinessChecks,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    const { natsUrl } = config;
    if (natsUrl === undefined && this.shared.bus === undefined) {
      this.logger.warn('No NATS URL (ORK_RUNNER_NATS_URL): this runner takes no jobs');
      return;
    }
    // This life of the runner: new at each start, so a job it takes over after a restart is recorded as a takeover.
    const incarnation = randomUUID();
    const log = logWith(this.logger);
    this.lock = lockDataDir(config.dataDir, incarnation);
    // Before any work: what a previous life left running (it was killed and ran no exit hook) is stopped, its temp files go.
    const processes = new ProcessRecords({ dir: path.join(config.dataDir, 'processes'), incarnation, log });
    await processes.stopLeftovers();
    const temp = new RunTempDirs(path.join(config.dataDir, 'tmp'));
    await temp.clear();
    const executables = await detectAgents(config.agents, process.env['PATH']);
    const agents = Object.keys(executables) as AgentKind[];
    // One git layer per data dir: its locks serialise the jobs and the collector.
    const git = createRunnerGit({ root: config.dataDir });
    const jobs = createRunnerJobs({
      git,
      projects: (projectId, repository) => {
        const project = config.projects[projectId];
        if (project === undefined) {
          if (repository === undefined || !servesProject(config, projectId)) return undefined;
          return { projectId, remoteUrl: repository.remote, setup: repository.setupScript === undefined ? {} : { script: repository.setupScript } };
        }
        const setup = {
          ...(project.copyIgnored.length > 0 && { copyIgnored: project.copyIgnored }),
          ...(project.copyFrom !== undefined && { copySourceDir: project.copyFrom }),
          ...(project.setupScript !== undefined && { script: project.setupScript }),
        };
        return { projectId, remoteUrl: project.remote, setup };
      },
      agents: {
        executables,
        environment: () => agentEnvironment(process.env),
        newSessionId: () => globalThis.crypto.randomUUID(),
      },
      temp,
      log,
    });
    const bus =
      this.shared.bus ??
      (this.ownBus = await connectBus({
        servers: natsUrl!,
        user: config.natsUser,
        password: config.natsPassword,
        name: `ork-runner-${config.name}`,
        namespace: config.natsNamespace,
        // The only replies a runner's NATS user may read in the team deployment.
        inboxPrefix: RUNNER_INBOX_PREFIX,
        ...busFailuresLoggedTo(logWith(this.logger, 'warn')),
      }));
    this.bus = bus;
    // A bus its host hands in (ork up's in-process one) is no NATS connection: checked as "bus".
    const [check, down] = this.shared.bus === undefined ? ['nats', 'not connected to NATS'] : ['bus', 'the bus is closed'];
    this.readiness.register(check, () => {
      if (this.bus === undefined) throw new Error(down);
    });
    this.service = new RunnerService({
      bus,
      executor: jobs,
      identity: { name: config.name, labels: config.labels, agents, slots: config.slots, incarnation },
      ackWaitMs: config.ackWaitSeconds * 1000,
      log,
      status: () => this.collection?.status() ?? {},
      processes: (job, what) => processes.recorder({ what, jobId: job.jobId, trakId: job.trakId }),
      serves: (job) => servesProject(config, job.projectId),
    });
    await this.service.start();
    this.collection = new WorktreeCollection({
      bus,
      runnerName: config.name,
      git,
      log: logWith(this.logger.child({ context: 'collector' })),
      onMalformed: (subject, error) => this.service?.noteMalformed('finished-traks', subject, error),
    });
    await this.collection.start();
    if (agents.length === 0) this.logger.warn('No agent CLI found (claude, opencode): this runner takes gate and integration jobs only');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.service?.drain(this.config.drainGraceSeconds * 1000);
    await this.collection?.stop();
    const bus = this.ownBus;
    this.bus = undefined;
    this.ownBus = undefined;
    await bus?.close();
    this.lock?.release();
    this.lock = undefined;
  }
}
