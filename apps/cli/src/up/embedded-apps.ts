import type { INestApplication } from '@nestjs/common';
import { createApp as createApi, loadApiConfig } from '@orkestra/api';
import type { Bus } from '@orkestra/application';
import { createApp as createGateway, loadGatewayConfig } from '@orkestra/gateway';
import { ConfigError } from '@orkestra/platform';
import type { BootstrapOptions, Env } from '@orkestra/platform';
import { createApp as createRunner, loadRunnerConfig } from '@orkestra/runner';
import { createApp as createScheduler, loadSchedulerConfig } from '@orkestra/scheduler';
import type { RecoveryReport } from '@orkestra/scheduler';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';
import type { UpLayout } from './data-dir.js';
import { portInUse } from './ports.js';
import type { UpApp } from './ports.js';

export interface EmbeddedAppsOptions {
  readonly layout: UpLayout;
  readonly databaseUrl: string;
  /** The bus all four share (the in-process one); absent with NATS, which each app connects to itself. */
  readonly bus?: Bus;
  readonly natsUrl?: string;
  /** The bus lost what the last start sent (see the scheduler's `freshBus`). */
  readonly freshBus: boolean;
  readonly ports: Readonly<Record<UpApp, number>>;
  readonly host: string;
  /** The environment the user gave: `ORK_<APP>_*` settings other than those ork up owns pass through. */
  readonly env: Env;
  /** The process's root logger: each app's lines go through it with the app's own service name. */
  readonly logger: BootstrapOptions['logger'];
  /** The first admin token of a fresh installation; awaited before the api goes on. */
  readonly onAdminToken: (token: string) => Promise<void>;
}

/** How long the runner lets running jobs go on at Ctrl-C before it stops them (unless ORK_RUNNER_DRAIN_GRACE_SECONDS says). */
const DRAIN_GRACE_SECONDS = '10';

/**
 * The four apps in this process, each through its own `createApp` with the modules it runs alone.
 * None handles signals (the `ork up` command owns shutdown) and none closes the shared bus.
 */
export class EmbeddedApps {
  private readonly started = new Map<UpApp, INestApplication>();
  /** What the scheduler recovered from the fresh bus at its start. */
  recovered: RecoveryReport | undefined;

  constructor(private readonly options: EmbeddedAppsOptions) {}

  /** Reads every app's settings, so a bad `ORK_<APP>_*` value stops ork up before anything starts. */
  checkSettings(): void {
    this.config('api', () => loadApiConfig(this.env('ORK_API_', { DATA_DIR: this.options.layout.api })));
    this.config('scheduler', () => loadSchedulerConfig(this.env('ORK_SCHEDULER_', {})));
    this.config('runner', () => loadRunnerConfig(this.env('ORK_RUNNER_', { DATA_DIR: this.options.layout.runner, DRAIN_GRACE_SECONDS: this.drainGrace() })));
    this.config('gateway', () => loadGatewayConfig(this.env('ORK_GATEWAY_', {}, false)));
  }

  /** Starts one app; the order is the caller's (api, scheduler, runner, gateway). */
  async start(app: UpApp): Promise<string> {
    const { logger, bus, freshBus, ports, host } = this.options;
    const common = { logger, shutdownHooks: false };
    const shared = bus === undefined ? {} : { bus };
    let created: INestApplication;
    try {
      switch (app) {
        case 'api':
          created = await createApi(this.config(app, () => loadApiConfig(this.env('ORK_API_', { DATA_DIR: this.options.layout.api }))), {
            ...common,
            ...shared,
            onAdminToken: (token) => this.options.onAdminToken(token),
          });
          break;
        case 'scheduler':
          created = await createScheduler(this.config(app, () => loadSchedulerConfig(this.env('ORK_SCHEDULER_', {}))), {
            ...common,
            ...shared,
            freshBus,
            onRecovered: (report) => (this.recovered = report),
          });
          break;
        case 'runner':
          created = await createRunner(this.config(app, () => loadRunnerConfig(this.env('ORK_RUNNER_', { DATA_DIR: this.options.layout.runner, DRAIN_GRACE_SECONDS: this.drainGrace() }))), {
            ...common,
            ...shared,
          });
          break;
        case 'gateway':
          created = await createGateway(this.config(app, () => loadGatewayConfig(this.env('ORK_GATEWAY_', {}, false))), common);
          break;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(app, ports[app], host);
      throw error;
    }
    this.started.set(app, created);
    return created.getUrl();
  }

  /** Closes the apps that started, in the order the brief of one shutdown owner sets: runner (drains), scheduler, api, gateway. */
  async stop(onStopping: (app: UpApp) => void = () => undefined): Promise<void> {
    for (const app of ['runner', 'scheduler', 'api', 'gateway'] as const) {
      const started = this.started.get(app);
      if (started === undefined) continue;
      onStopping(app);
      await started.close();
      this.started.delete(app);
    }
  }

  /**
   * The app's settings as it would read them alone, from the user's `ORK_<APP>_*` variables (and
   * its yaml file), except those ork up owns: port, host, database, bus and data dir.
   */
  private env(prefix: string, own: Record<string, string>, connected = true): Env {
    const { ports, host, databaseUrl, natsUrl, bus } = this.options;
    const app = prefix.slice('ORK_'.length, -1).toLowerCase() as UpApp;
    const env: Record<string, string | undefined> = {};
    const owned = new Set(['PORT', 'HOST', 'DATABASE_URL', 'NATS_URL', 'DATA_DIR'].map((key) => `${prefix}${key}`));
    for (const [key, value] of Object.entries(this.options.env)) if (!owned.has(key)) env[key] = value;
    env[`${prefix}PORT`] = String(ports[app]);
    env[`${prefix}HOST`] = host;
    if (connected) {
      if (app !== 'runner') env[`${prefix}DATABASE_URL`] = databaseUrl;
      if (bus === undefined && natsUrl !== undefined) env[`${prefix}NATS_URL`] = natsUrl;
    }
    for (const [key, value] of Object.entries(own)) env[`${prefix}${key}`] = value;
    return env;
  }

  private drainGrace(): string {
    return this.options.env['ORK_RUNNER_DRAIN_GRACE_SECONDS'] ?? DRAIN_GRACE_SECONDS;
  }

  private config<T>(app: UpApp, load: () => T): T {
    try {
      return load();
    } catch (error) {
      if (ConfigError.is(error)) {
        throw new CliError(`the ${app}'s settings: ${error.message}`, EXIT.usage, `Fix or unset what it names (ork up passes ORK_${app.toUpperCase()}_* variables and the file of ORK_${app.toUpperCase()}_CONFIG_FILE to the ${app}).`);
      }
      throw error;
    }
  }
}
