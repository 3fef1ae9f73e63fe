import { randomUUID } from 'node:crypto';
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
  private readonly logger = new Logger('runner');
  private bus: JetStreamBus | undefined;
  private service: RunnerService | undefined;
  private collection: WorktreeCollection | undefined;
  private lock: DataDirLock | undefined;

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
    const log = (message: string, fields?: Record<string, unknown>): void => this.logger.log({ msg: message, ...fields });
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
      log,
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
    this.lock?.release();
    this.lock = undefined;
  }
}
