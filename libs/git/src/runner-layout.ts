import path from 'node:path';
import { InvalidGitNameError } from './git.errors.js';

/** Where a runner keeps its git data under its data dir. */
export interface RunnerLayout {
  readonly root: string;
  readonly mirrorsDir: string;
  readonly worktreesDir: string;
  readonly integrationDir: string;
  /** `<root>/mirrors/<projectId>.git`: the project's bare repository cache. */
  mirror(projectId: string): string;
  /** `<root>/worktrees/<projectId>`: the Trak worktrees of one project. */
  projectWorktrees(projectId: string): string;
  /** `<root>/worktrees/<projectId>/<trakId>`: one Trak's worktree. */
  worktree(projectId: string, trakId: string): string;
  /** `<root>/integration/<projectId>`: the runner's own detached worktree for merges into base branches. */
  integrationWorktree(projectId: string): string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Throws {@link InvalidGitNameError} unless `value` is a plain path segment (no separators, no `..`). */
export function assertSafeSegment(kind: 'projectId' | 'trakId', value: string): string {
  if (!SAFE_SEGMENT.test(value) || value.includes('..') || value.endsWith('.git') || value.endsWith('.lock')) {
    throw new InvalidGitNameError(kind, value);
  }
  return value;
}

/** The layout under `root` (made absolute). Ids are checked before they become path segments. */
export function runnerLayout(root: string): RunnerLayout {
  const base = path.resolve(root);
  const mirrorsDir = path.join(base, 'mirrors');
  const worktreesDir = path.join(base, 'worktrees');
  const integrationDir = path.join(base, 'integration');
  return {
    root: base,
    mirrorsDir,
    worktreesDir,
    integrationDir,
    mirror: (projectId) => path.join(mirrorsDir, `${assertSafeSegment('projectId', projectId)}.git`),
    projectWorktrees: (projectId) => path.join(worktreesDir, assertSafeSegment('projectId', projectId)),
    worktree: (projectId, trakId) =>
      path.join(worktreesDir, assertSafeSegment('projectId', projectId), assertSafeSegment('trakId', trakId)),
    integrationWorktree: (projectId) => path.join(integrationDir, assertSafeSegment('projectId', projectId)),
  };
}
