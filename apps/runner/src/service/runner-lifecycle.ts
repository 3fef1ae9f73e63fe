import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { connectBus } from '@orkestra/bus';
import type { JetStreamBus } from '@orkestra/bus';
import type { AgentKind } from '@orkestra/domain';
import { createRunnerGit } from '@orkestra/git';
import { ReadinessChecks } from '@orkestra/platform';
import { createRunnerJobs } from '../jobs/runner-jobs.js';
import { RUNNER_CONFIG, servesProject } from '../runner.config.js';
import type { RunnerConfig } from '../runner.config.js';
import { agentEnvironment } from './agent-environment.js';
import { detectAgents } from './detect-agents.js';
import { RunnerService } from './runner-service.js';
import { WorktreeCollection } from './worktree-collection.js';

/** Connects the runner to NATS at start and drains it on shutdown. Without a NATS URL it takes no work. */
@Injectable()
export class RunnerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('runner');
  private bus: JetStreamBus | undefined;
  private service: RunnerService | undefined;
  private collection: WorktreeCollection | undefined;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly readiness: ReadinessChecks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    if (config.natsUrl === undefined) {
      this.logger.warn('No NATS URL (ORK_RUNNER_NATS_URL): this runner takes no jobs');
      return;
    }
    // This life of the runner: new at each start, so a job it takes over after a restart is recorded as a takeover.
    const incarnation = randomUUID();
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
    const bus = await connectBus({ servers: config.natsUrl, name: `ork-runner-${config.name}`, namespace: config.natsNamespace });
    this.bus = bus;
    this.readiness.register('nats', () => {
      if (this.bus === undefined) throw new Error('not connected to NATS');
    });
    this.service = new RunnerService({
      bus,
      executor: jobs,
      identity: { name: config.name, labels: config.labels, agents, slots: config.slots, incarnation },
      ackWaitMs: config.ackWaitSeconds * 1000,
      log: (message, fields) => this.logger.log({ msg: message, ...fields }),
      status: () => this.collection?.status() ?? {},
      serves: (job) => servesProject(config, job.projectId),
    });
    await this.service.start();
    this.collection = new WorktreeCollection({
      bus,
      runnerName: config.name,
      git,
      log: (message, fields) => this.logger.log({ msg: message, ...fields }),
      onMalformed: (subject, error) => this.service?.noteMalformed('finished-traks', subject, error),
    });
    await this.collection.start();
    if (agents.length === 0) this.logger.warn('No agent CLI found (claude, opencode): this runner takes gate and integration jobs only');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.service?.drain(this.config.drainGraceSeconds * 1000);
    await this.collection?.stop();
    const bus = this.bus;
    this.bus = undefined;
    await bus?.close();
  }
}
