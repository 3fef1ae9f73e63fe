import { execFile, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';

const exec = promisify(execFile);

/** Postgres refuses to run as root: as root, the cluster runs as this OS user. */
export const OS_USER = 'postgres';

/** An OS user to run the cluster as (only when `ork up` runs as root). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** As root, the OS user the cluster runs as, made when missing; undefined for any other user (Postgres runs as that user). */
export async function postgresUser(note?: (message: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await osUser(OS_USER);
  if (found !== undefined) return found;
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
  const made = await osUser(OS_USER);
  if (made === undefined) throw new CliError(`the OS user "${OS_USER}" was created but cannot be found`, EXIT.internal, "Check the system's user database.");
  note?.(`created the OS user "${OS_USER}" to run Postgres as (it refuses to run as root)`);
  return made;
}

/**
 * How to spawn a program as `runAs`: its ids, and `/` as its working directory, since the one
 * `ork up` runs in (under `/root`, say) may be closed to it.
 */
export const spawnAs = (runAs: RunAs | undefined): { uid?: number; gid?: number; cwd?: string } => (runAs === undefined ? {} : { uid: runAs.uid, gid: runAs.gid, cwd: '/' });

/** Whether `runAs` can pass through every directory down to `dir`, and `dir` itself. */
export function canReach(runAs: RunAs, dir: string): boolean {
  return spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', dir], { ...spawnAs(runAs), stdio: 'ignore' }).status === 0;
}

/** Whether `runAs` can run the Postgres server `postgres` (`postgres -V`: the binary, its libraries). */
export function canRun(runAs: RunAs, postgres: string): boolean {
  return spawnSync(postgres, ['-V'], { ...spawnAs(runAs), stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' } }).status === 0;
}

/** The outermost directory on the way to `dir` that others cannot pass through (no o+x), for a hint. */
export function nearestClosed(dir: string): string {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) break;
  }
  return chain.find((candidate) => ((statSync(candidate, { throwIfNoEntry: false })?.mode ?? 0o777) & 0o001) === 0) ?? path.dirname(path.resolve(dir));
}

async function osUser(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([exec('id', ['-u', name]), exec('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}
