import path from 'node:path';

/** Where `ork up` keeps everything under its data dir (default: the ork home, `~/.orkestra`). */
export interface UpLayout {
  readonly root: string;
  /** The embedded Postgres cluster (PGDATA). */
  readonly postgres: string;
  /** Where a new cluster is made before it is moved to `postgres`, so a killed `initdb` leaves no half cluster. */
  readonly postgresInit: string;
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
  /** What `ork up` keeps between starts: the cluster's port and password, the bus it last used. */
  readonly state: string;
}

export function upLayout(root: string): UpLayout {
  const at = (...parts: string[]) => path.join(root, ...parts);
  return {
    root,
    postgres: at('postgres'),
    postgresInit: at('postgres.init'),
    api: at('api'),
    runner: at('runner'),
    logs: at('logs'),
    appLog: at('logs', 'ork-up.log'),
    postgresLog: at('logs', 'postgres.log'),
    lock: at('ork-up.pid'),
    state: at('up.json'),
  };
}
