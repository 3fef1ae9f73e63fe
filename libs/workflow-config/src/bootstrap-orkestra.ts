import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundled default `.orkestra/` tree. Resolved from this module's URL: both `src/` (Jest)
 * and `dist/` (after tsc) sit one level below the package root, next to `templates/`.
 */
export function templatesDir(): string {
  return fileURLToPath(new URL('../templates/orkestra/', import.meta.url));
}

/**
 * Who a bootstrapped file belongs to once it exists. `orkestra`: a template Orkestra maintains
 * (the stage prompts, the folder's README), which `force` brings back to the bundled version.
 * `project`: configuration seeded once and then the project's own (`workflow.yaml`,
 * `ORKESTRA.md`, the scripts); never overwritten, since it holds the team's decisions.
 */
export type BootstrapOwner = 'orkestra' | 'project';

/**
 * `created`: it was missing and is written now. `unchanged`: it already matches the bundled one.
 * `kept`: it differs and was left as it is. `refreshed`: it differed and `force` replaced it.
 */
export type BootstrapStatus = 'created' | 'unchanged' | 'kept' | 'refreshed';

export interface BootstrappedFile {
  /** Relative to the project root, `/`-separated, e.g. `.orkestra/workflow.yaml`. */
  readonly path: string;
  readonly owner: BootstrapOwner;
  readonly status: BootstrapStatus;
  /** A script that had lost its executable bit (copies and some checkouts drop it) and got 0755 back. */
  readonly madeExecutable: boolean;
}

export interface BootstrapResult {
  /** Every bundled file, in path order. Files the project added itself are never listed or touched. */
  readonly files: readonly BootstrappedFile[];
}

export interface BootstrapOptions {
  /** Replace every `orkestra`-owned file that differs from the bundled version. */
  readonly force?: boolean;
}

const EXECUTABLE = 0o755;

export const ownerOf = (relative: string): BootstrapOwner => (relative === 'README.md' || relative.startsWith('agents/') ? 'orkestra' : 'project');

/**
 * Makes sure `<projectRoot>/.orkestra/` holds every bundled file. A missing file is written; an
 * existing one is never overwritten, except an Orkestra-owned template under `force`. Scripts get
 * mode 0755 every time, since git checkouts and copies often lose the executable bit.
 */
export async function bootstrapOrkestra(projectRoot: string, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  const target = path.join(projectRoot, '.orkestra');
  const source = templatesDir();
  const files: BootstrappedFile[] = [];
  for (const relative of await listFiles(source)) {
    const to = path.join(target, ...relative.split('/'));
    const bundled = await readFile(path.join(source, ...relative.split('/')), 'utf8');
    const owner = ownerOf(relative);
    await mkdir(path.dirname(to), { recursive: true });
    const status = await place(to, bundled, owner === 'orkestra' && options.force === true);
    const madeExecutable = relative.endsWith('.sh') && status !== 'created' && status !== 'refreshed' && (await makeExecutable(to));
    files.push({ path: `.orkestra/${relative}`, owner, status, madeExecutable });
  }
  return { files };
}

async function place(file: string, bundled: string, replace: boolean): Promise<BootstrapStatus> {
  const mode = file.endsWith('.sh') ? EXECUTABLE : 0o644;
  const existing = await readIfPresent(file);
  if (existing === undefined) {
    // `wx` makes "only if absent" atomic: a second `ork init` racing this one cannot be overwritten.
    const written = await writeFile(file, bundled, { flag: 'wx', mode }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
    if (!written) return place(file, bundled, replace);
    await chmod(file, mode);
    return 'created';
  }
  if (sameText(existing, bundled)) return 'unchanged';
  if (!replace) return 'kept';
  await replaceAtomically(file, bundled, mode);
  return 'refreshed';
}

/** Line endings do not count: a checkout with `core.autocrlf` still matches the bundled file. */
const sameText = (a: string, b: string): boolean => a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');

async function replaceAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text, { mode });
    await chmod(temporary, mode);
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function makeExecutable(file: string): Promise<boolean> {
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & EXECUTABLE) === EXECUTABLE) return false;
  await chmod(file, mode | EXECUTABLE);
  return true;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Every file under `dir`, relative to it with `/` separators, sorted so results are deterministic. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}
