import { git } from './git-exec.js';

/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  readonly path: string;
  readonly head?: string;
  /** Short branch name; undefined when detached (or bare). */
  readonly branch?: string;
  readonly bare: boolean;
  /** Git knows the worktree but its directory is gone. */
  readonly prunable: boolean;
}

/** The worktrees registered in a repository (the bare mirror itself comes first, marked `bare`). */
export async function listWorktrees(repository: string): Promise<WorktreeEntry[]> {
  const { stdout } = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repository });
  const entries: WorktreeEntry[] = [];
  let current: { path: string; head?: string; branch?: string; bare: boolean; prunable: boolean } | undefined;
  for (const line of stdout.split('\0')) {
    if (line === '') {
      if (current) entries.push(current);
      current = undefined;
      continue;
    }
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const value = space === -1 ? '' : line.slice(space + 1);
    if (key === 'worktree') current = { path: value, bare: false, prunable: false };
    else if (!current) continue;
    else if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value.replace(/^refs\/heads\//, '');
    else if (key === 'bare') current.bare = true;
    else if (key === 'prunable') current.prunable = true;
  }
  if (current) entries.push(current);
  return entries;
}
