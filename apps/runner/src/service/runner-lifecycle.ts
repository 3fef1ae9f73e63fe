import { mkdir } from 'node:fs/promises';
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
    const executables = await detectAgents(config.agents, process.env['PATH']);
    const agents = Object.keys(executables) as AgentKind[];
    for (const kind of agents) await mkdir(path.join(config.dataDir, 'tmp', kind), { recursive: true });
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
        environment: (kind) => agentEnvironment(process.env, config.dataDir, kind),
        newSessionId: () => globalThis.crypto.randomUUID(),
      },
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
      identity: { name: config.name, labels: config.labels, agents, slots: config.slots },
      ackWaitMs: config.ackWaitSeconds * 1000,
      log: logWith(this.logger),
      status: () => this.collection?.status() ?? {},
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
  }
}
