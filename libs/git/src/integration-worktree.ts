import { access, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { git } from './git-exec.js';
import type { KeyedMutex } from './keyed-mutex.js';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * Puts the runner's own integration worktree for a project (`<root>/integration/<projectId>`,
 * detached, never a person's checkout) at `commit`, clean: whatever an earlier merge left is reset
 * and removed. Adding it is serialised on the mirror's lock.
 */
export async function prepareIntegrationWorktree(mutex: KeyedMutex, mirror: string, target: string, commit: string): Promise<void> {
  if (await exists(path.join(target, '.git'))) {
    const cwd = target;
    await git(['reset', '--quiet', '--hard'], { cwd });
    await git(['clean', '-q', '-fdx'], { cwd });
    await git(['checkout', '--quiet', '--detach', commit], { cwd });
    return;
  }
  await mutex.run(mirror, async () => {
    await git(['worktree', 'prune'], { cwd: mirror });
    await rm(target, { recursive: true, force: true });
    await mkdir(path.dirname(target), { recursive: true });
    await git(['worktree', 'add', '--quiet', '--detach', target, commit], { cwd: mirror });
  });
}
