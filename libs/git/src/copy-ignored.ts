import { access, cp } from 'node:fs/promises';
import path from 'node:path';
import { InvalidGitNameError } from './git.errors.js';

/** `relative` joined under `root`; throws if it is absolute or climbs out with `..`. */
function inside(root: string, relative: string): string {
  const target = path.resolve(root, relative);
  if (path.isAbsolute(relative) || (target !== root && !target.startsWith(root + path.sep))) {
    throw new InvalidGitNameError('path', relative);
  }
  return target;
}

/**
 * Copies the ignored files a project lists (e.g. `.env`, relative paths, files or directories)
 * from `sourceDir` into the worktree, overwriting. Entries missing in `sourceDir` are skipped.
 * Returns the entries copied.
 */
export async function copyIgnoredFiles(sourceDir: string, worktreePath: string, entries: readonly string[]): Promise<string[]> {
  const source = path.resolve(sourceDir);
  const target = path.resolve(worktreePath);
  const copied: string[] = [];
  for (const entry of entries) {
    const from = inside(source, entry);
    const to = inside(target, entry);
    const present = await access(from).then(
      () => true,
      () => false,
    );
    if (!present) continue;
    await cp(from, to, { recursive: true, force: true, verbatimSymlinks: true });
    copied.push(entry);
  }
  return copied;
}
