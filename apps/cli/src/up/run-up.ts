import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InProcessBus } from '@orkestra/application';
import { migrate } from '@orkestra/event-store';
import { ConfigError, createLogger, logSettingsFromEnv } from '@orkestra/platform';
import type { Env } from '@orkestra/platform';
import type { RecoveryReport } from '@orkestra/scheduler';
import pg from 'pg';
import type { CliIo } from '../cli.js';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';
import { readLogin, writeLogin } from '../shell/login-store.js';
import { upLayout } from './data-dir.js';
import type { UpLayout } from './data-dir.js';
import { EmbeddedApps } from './embedded-apps.js';
import { EmbeddedPostgres, freePort } from './embedded-postgres.js';
import { checkPortsFree, planPorts } from './ports.js';
import type { UpApp } from './ports.js';
import { Progress, seconds } from './progress.js';
import { readUpState, writeUpState } from './up-state.js';
import { UpLock } from './up-lock.js';

export interface UpOptions {
  readonly dataDir: string;
  /** An external Postgres instead of the embedded one. */
  readonly databaseUrl?: string;
  /** NATS JetStream instead of the in-process bus. */
  readonly natsUrl?: string;
  /** Base port (see `planPorts`). */
  readonly port: number;
  readonly host: string;
  /** The apps' logs to stderr instead of `<data dir>/logs/ork-up.log`. */
  readonly verbose: boolean;
  /** One JSON document on stdout when ready, no progress. */
  readonly json: boolean;
}

/** The database `ork up` keeps everything in, on the embedded cluster. */
const DATABASE = 'orkestra';
/** What `up.json` records as the bus when it is the in-process one. */
const IN_PROCESS = 'in-process';
const START_ORDER: readonly UpApp[] = ['api', 'scheduler', 'runner', 'gateway'];

/** What the first start of a fresh installation did with its admin token. */
interface AdminToken {
  readonly token: string;
  /** The CLI's login it was stored as (no login existed). */
  loginFile?: string;
  /** Where it was kept instead, since a login exists already. */
  tokenFile?: string;
}

/**
 * `ork up`, from start to stop. The only owner of shutdown in the process: SIGINT, SIGTERM and
 * SIGHUP stop, in order, the runner (it hands back running jobs), the scheduler, the api, the
 * gateway, the bus and Postgres; a second signal skips what is left of the apps' drain but still
 * stops Postgres. Resolves once everything has stopped; a failure to start stops what did start
 * and is thrown.
 */
export async function runUp(options: UpOptions, io: CliIo): Promise<void> {
  const ports = planPorts(options.port);
  const layout = upLayout(path.resolve(io.cwd, options.dataDir));
  const progress = new Progress(io);
  const stop = listenForStop(() => {
    io.stderr.write(`\n${progress.colors.bold('Stopping')} (Ctrl-C again to stop at once)…\n`);
  });
  // As root, Postgres runs as another OS user, which must pass through the data dir to its cluster.
  await mkdir(layout.root, { recursive: true, mode: process.getuid?.() === 0 ? 0o711 : 0o700 });
  const { lock, tookOverFrom } = await UpLock.acquire(layout.lock).catch((error: unknown) => {
    stop.dispose();
    throw error;
  });
  let postgres: EmbeddedPostgres | undefined;
  let bus: InProcessBus | undefined;
  let apps: EmbeddedApps | undefined;
  let logs: WriteStream | undefined;
  let failure: unknown;
  try {
    if (tookOverFrom !== undefined) progress.note(`the last ork up on ${layout.root} (process ${tookOverFrom}) did not stop cleanly; starting from what it left`);
    await checkPortsFree(ports, options.host);
    // The apps' settings are checked before anything starts (the database URL is not known yet).
    new EmbeddedApps({ layout, databaseUrl: 'postgres://127.0.0.1/orkestra', freshBus: false, ports, host: options.host, env: io.env, logger: false, onAdminToken: async () => undefined, ...(options.natsUrl !== undefined && { natsUrl: options.natsUrl }) }).checkSettings();
    await mkdir(layout.logs, { recursive: true, mode: 0o700 });
    if (!options.verbose) logs = createWriteStream(layout.appLog, { flags: 'a', mode: 0o600 });
    const logger = appLogger(options.verbose ? io.stderr : logs!, io.env);
    const state = await readUpState(layout.state);

    let databaseUrl: string;
    if (options.databaseUrl !== undefined) {
      databaseUrl = options.databaseUrl;
      await progress.step(`Postgres at ${hostOf(databaseUrl)}`, () => ensureDatabase(databaseUrl), (created) => `Postgres at ${hostOf(databaseUrl)}${created ? ', database created' : ''}`);
    } else {
      const password = state.postgres?.password ?? randomBytes(24).toString('base64url');
      const embedded = new EmbeddedPostgres({ layout, password, cluster: state.postgres?.cluster, note: (message) => progress.note(message) });
      const port = state.postgres?.port ?? (await freePort());
      if (!(await embedded.exists())) {
        // The password, and where the cluster goes when not in the data dir, are kept before the cluster exists.
        const cluster = await embedded.place();
        await writeUpState(layout.state, { ...state, postgres: { port, password, ...(cluster !== layout.postgres && { cluster }) } });
        await progress.step(`creating the Postgres cluster in ${cluster} (first start)`, () => embedded.initialise(), () => `Postgres cluster created in ${cluster}`);
      }
      postgres = embedded;
      const running = await progress.step('starting Postgres', () => embedded.start(port), (r) => `Postgres ${r.version} ${r.adopted ? 'still running from the last start' : 'started'} on 127.0.0.1:${r.port}`);
      const kept = await readUpState(layout.state);
      await writeUpState(layout.state, { ...kept, postgres: { ...kept.postgres, port: running.port, password } });
      databaseUrl = embedded.url(DATABASE);
      await ensureDatabase(databaseUrl);
    }
    await progress.step('migrating the database', () => migrate(databaseUrl), (applied) => (applied.length === 0 ? 'database up to date' : `database migrated (${applied.length} migration${applied.length === 1 ? '' : 's'} applied)`));

    const busName = options.natsUrl ?? IN_PROCESS;
    if (options.natsUrl === undefined) bus = new InProcessBus();
    // The in-process bus is new with every process; a NATS bus after an in-process one lacks what that one held.
    const freshBus = busName === IN_PROCESS || (state.bus !== undefined && state.bus !== busName);
    let admin: AdminToken | undefined;
    apps = new EmbeddedApps({
      layout,
      databaseUrl,
      ...(bus !== undefined && { bus }),
      ...(options.natsUrl !== undefined && { natsUrl: options.natsUrl }),
      freshBus,
      ports,
      host: options.host,
      env: io.env,
      logger,
      onAdminToken: async (token) => {
        // Kept on disk at once (readable by this user only): a start that fails later must not lose it.
        const tokenFile = path.join(layout.api, 'first-admin-token');
        await mkdir(layout.api, { recursive: true, mode: 0o700 });
        await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
        admin = { token, tokenFile };
      },
    });
    const urls: Partial<Record<UpApp, string>> = {};
    for (const app of START_ORDER) {
      if (stop.requested) break;
      urls[app] = await progress.step(`starting the ${app}`, () => apps!.start(app), (url) => `${app} on ${url}${app === 'scheduler' ? resumed(apps!.recovered) : ''}`);
    }
    if (!stop.requested) {
      await writeUpState(layout.state, { ...(await readUpState(layout.state)), bus: busName });
      const graphqlUrl = `http://${displayHost(options.host)}:${new URL(urls.api!).port}/graphql`;
      if (admin !== undefined) await storeAdminLogin(admin, graphqlUrl, io);
      ready({ io, options, layout, graphqlUrl, admin, ms: performance.now(), bus: busName, embedded: postgres !== undefined, progress });
      await stop.whenRequested;
    }
  } catch (error) {
    failure = error;
  }

  // One shutdown owner: the apps in order, then the bus, then Postgres.
  const stoppingAt = performance.now();
  let forced = false;
  void stop.whenForced.then(() => (forced = true));
  try {
    if (apps !== undefined) {
      const appsStopped = apps.stop((app) => progress.note(app === 'runner' ? 'stopping the runner (running jobs are handed back)' : `stopping the ${app}`));
      appsStopped.catch((error: unknown) => (failure ??= error));
      await Promise.race([appsStopped, stop.whenForced]);
    }
    if (!forced) await bus?.close();
    if (postgres !== undefined) {
      progress.note('stopping Postgres');
      const stopped = await postgres.stop(forced ? 10_000 : 60_000);
      if (!stopped) progress.note('Postgres is still finishing its shutdown; the next ork up waits for it or reuses it');
    }
  } finally {
    await new Promise<void>((resolve) => (logs === undefined ? resolve() : logs.end(resolve)));
    await lock.release();
    stop.dispose();
  }
  if (forced) {
    io.stderr.write('Stopped at once: running jobs go out again on the next start.\n');
    process.exit(EXIT.interrupted);
  }
  if (failure !== undefined) throw failure;
  if (stop.crash !== undefined) {
    throw new CliError(`ork up stopped after an unexpected error: ${stop.crash instanceof Error ? stop.crash.message : String(stop.crash)}`, EXIT.internal, `See ${options.verbose ? 'the log above' : layout.appLog}.`);
  }
  io.stderr.write(`Orkestra stopped ${progress.colors.dim(`(${seconds(performance.now() - stoppingAt)})`)}.\n`);
}

/** What the scheduler picked up again from the last start, for its progress line. */
function resumed(report: RecoveryReport | undefined): string {
  if (report === undefined || report.traksReplayed + report.jobsSentAgain + report.traksFailed === 0) return '';
  const parts = [`${report.traksReplayed} Trak${report.traksReplayed === 1 ? '' : 's'} resumed`];
  if (report.jobsSentAgain > 0) parts.push(`${report.jobsSentAgain} job${report.jobsSentAgain === 1 ? '' : 's'} sent again`);
  if (report.traksFailed > 0) parts.push(`${report.traksFailed} not resumed, see the log`);
  return ` (${parts.join(', ')})`;
}

/**
 * The root logger the four apps share, each naming itself on its lines: into the log file (JSON
 * lines), or stderr with --verbose (pretty on a terminal), as ORK_LOG_LEVEL and ORK_LOG_FORMAT say.
 */
function appLogger(to: NodeJS.WritableStream & { isTTY?: boolean }, env: Env): ReturnType<typeof createLogger> {
  let settings;
  try {
    settings = logSettingsFromEnv(env, { isTTY: to.isTTY === true });
  } catch (error) {
    if (ConfigError.is(error)) throw new CliError(`the logs' settings: ${error.message}`, EXIT.usage, 'Fix or unset what it names.');
    throw error;
  }
  return createLogger({ ...settings, destination: { write: (line: string) => void to.write(line) } });
}

/** Creates the database when missing (an admin connection to the same server's `postgres` database). True when it did. */
async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl);
  const database = decodeURIComponent(target.pathname.slice(1));
  if (database === '') throw new CliError(`the database URL ${redact(databaseUrl)} names no database`, EXIT.usage, 'Add one, e.g. postgres://user@host:5432/orkestra.');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new CliError(`cannot reach Postgres at ${hostOf(databaseUrl)}: ${(error as Error).message}`, EXIT.unreachable, 'Start it, or fix DATABASE_URL / --database-url (without either, ork up runs its own Postgres).');
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount !== 0) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => (error.code === '42P04' ? undefined : Promise.reject(error)));
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** On first start: the token becomes the CLI's login when there is none yet, so `ork` commands work at once. */
async function storeAdminLogin(admin: AdminToken, server: string, io: CliIo): Promise<void> {
  const existing = await readLogin(io.env).catch(() => 'damaged' as const);
  if (existing !== undefined) return;
  admin.loginFile = await writeLogin(io.env, { server, token: admin.token });
  // Stored once, in the login; no second copy lying around.
  if (admin.tokenFile !== undefined) await rm(admin.tokenFile, { force: true });
  delete admin.tokenFile;
}

interface ReadyReport {
  readonly io: CliIo;
  readonly options: UpOptions;
  readonly layout: UpLayout;
  readonly graphqlUrl: string;
  readonly admin: AdminToken | undefined;
  /** Since the process started (what the person waited). */
  readonly ms: number;
  readonly bus: string;
  readonly embedded: boolean;
  readonly progress: Progress;
}

function ready({ io, options, layout, graphqlUrl, admin, ms, bus, embedded, progress }: ReadyReport): void {
  const logFile = options.verbose ? undefined : layout.appLog;
  if (options.json) {
    const document = {
      ready: true,
      graphqlUrl,
      ...(admin !== undefined && { adminToken: admin.token, loginFile: admin.loginFile ?? null, tokenFile: admin.tokenFile ?? null }),
      dataDir: layout.root,
      logFile: logFile ?? null,
      postgres: embedded ? 'embedded' : 'external',
      bus,
      readyInMs: Math.round(ms),
      pid: process.pid,
    };
    io.stdout.write(`${JSON.stringify(document)}\n`);
    return;
  }
  const { bold, green, dim } = progress.colors;
  const lines = [`${green(bold('Orkestra is ready'))} ${dim(`(${seconds(ms)})`)}`, `  GraphQL      ${graphqlUrl}`];
  if (admin !== undefined) {
    lines.push(`  Admin token  ${bold(admin.token)}`);
    lines.push(
      admin.loginFile !== undefined
        ? dim(`               first start: shown this once, and stored as your login in ${admin.loginFile} (so \`ork trak list\` works now)`)
        : dim(`               first start: shown this once, and kept in ${admin.tokenFile} (you have a login already; \`ork login\` with it to use this server)`),
    );
  }
  lines.push(`  Data         ${layout.root}`);
  lines.push(`  Logs         ${logFile ?? 'stderr (--verbose)'}`);
  lines.push(dim('Ctrl-C stops it; the next `ork up` resumes every Trak where it was.'));
  io.stdout.write(`${lines.join('\n')}\n`);
}

interface StopListener {
  /** A stop was asked for (first signal, or a failure). */
  readonly requested: boolean;
  readonly whenRequested: Promise<void>;
  /** A second signal: stop at once. */
  readonly whenForced: Promise<void>;
  /** An error nothing caught, which stopped ork up. */
  readonly crash: unknown;
  dispose(): void;
}

/** The process's signals and unexpected errors, for the one shutdown owner. */
function listenForStop(onFirst: () => void): StopListener {
  let count = 0;
  let request: () => void = () => undefined;
  let force: () => void = () => undefined;
  const whenRequested = new Promise<void>((resolve) => (request = resolve));
  const whenForced = new Promise<void>((resolve) => (force = resolve));
  const listener = {
    requested: false,
    crash: undefined as unknown,
    whenRequested,
    whenForced,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    },
  };
  const onSignal = (): void => {
    count++;
    if (count === 1) {
      listener.requested = true;
      onFirst();
      request();
    } else {
      force();
    }
  };
  // An error nothing caught: reported, then the same orderly stop as a Ctrl-C (Postgres is not left behind).
  const onCrash = (error: unknown): void => {
    // Postgres ending connections as it shuts down, once stopping has begun, is expected.
    if (listener.requested && (error as { code?: unknown } | undefined)?.code === ADMIN_SHUTDOWN) return;
    process.stderr.write(`ork up: unexpected error, stopping: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    listener.crash ??= error;
    if (!listener.requested) {
      listener.requested = true;
      request();
    }
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return listener;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Postgres' SQLSTATE for "terminating connection due to administrator command". */
const ADMIN_SHUTDOWN = '57P01';

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

const displayHost = (host: string): string => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);
