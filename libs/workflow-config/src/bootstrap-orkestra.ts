import { chmod, copyFile, constants, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundled default `.orkestra/` tree. Resolved from this module's URL: both `src/` (Jest)
 * and `dist/` (after tsc) sit one level below the package root, next to `templates/`.
 */
export function templatesDir(): string {
  return fileURLToPath(new URL('../templates/orkestra/', import.meta.url));
}

/** Folders the runtime writes into; created up front like the original's bootstrap. */
const RUNTIME_DIRS = ['.database', '.logs'];

const EXECUTABLE = 0o755;

export interface BootstrapResult {
  /** Paths relative to the project root, e.g. `.orkestra/workflow.yaml`. */
  readonly created: string[];
  readonly kept: string[];
}

/**
 * Makes sure `<projectRoot>/.orkestra/` holds every default file. Existing files are never
 * overwritten (they are the project's configuration); scripts get mode 0755 every time, since
 * git checkouts and copies often lose the executable bit.
 */
export async function bootstrapOrkestra(projectRoot: string): Promise<BootstrapResult> {
  const target = path.join(projectRoot, '.orkestra');
  const source = templatesDir();
  const created: string[] = [];
  const kept: string[] = [];

  for (const dir of RUNTIME_DIRS) await mkdir(path.join(target, dir), { recursive: true });

  for (const relative of await listFiles(source)) {
    const from = path.join(source, relative);
    const to = path.join(target, relative);
    const label = path.posix.join('.orkestra', ...relative.split(path.sep));
    await mkdir(path.dirname(to), { recursive: true });
    if (await copyIfAbsent(from, to)) created.push(label);
    else kept.push(label);
    if (relative.endsWith('.sh')) await chmod(to, EXECUTABLE);
  }
  return { created, kept };
}

async function copyIfAbsent(from: string, to: string): Promise<boolean> {
  try {
    // COPYFILE_EXCL makes "only if absent" atomic: no check-then-write race with a second process.
    await copyFile(from, to, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Every file under `dir`, relative to it, sorted so results are deterministic. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
