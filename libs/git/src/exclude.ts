import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from './git-exec.js';

/**
 * Adds `patterns` to the exclude file git reads for `worktreePath` (`git rev-parse --git-path
 * info/exclude`; linked worktrees share their repository's), once each. Returns the file's path.
 */
export async function ensureExcluded(worktreePath: string, patterns: readonly string[]): Promise<string> {
  const { stdout } = await git(['rev-parse', '--git-path', 'info/exclude'], { cwd: worktreePath });
  const file = path.resolve(worktreePath, stdout.trim());
  const current = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const present = new Set(current.split('\n').map((line) => line.trim()));
  const missing = patterns.filter((pattern) => !present.has(pattern));
  if (missing.length > 0) {
    await mkdir(path.dirname(file), { recursive: true });
    const separator = current === '' || current.endsWith('\n') ? '' : '\n';
    await appendFile(file, `${separator}${missing.join('\n')}\n`);
  }
  return file;
}
