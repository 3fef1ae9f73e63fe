import { execa } from 'execa';
import { GitCommandError } from './git.errors.js';

/** Options of one git invocation. */
export interface GitRunOptions {
  readonly cwd: string;
  /** Added to the runner's environment (e.g. author identity). */
  readonly env?: Readonly<Record<string, string>>;
  /** Return a non-zero exit instead of throwing; callers inspect `exitCode`. */
  readonly allowFailure?: boolean;
  /** Keep stdout byte for byte (file contents) instead of dropping its final newline. */
  readonly rawStdout?: boolean;
}

/** What git printed and how it exited. */
export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

// No prompts (a runner has no terminal), stable English messages to match on, no LFS downloads on checkout.
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_LFS_SKIP_SMUDGE: '1' } as const;

/** Runs `git <args>` in `cwd`; throws {@link GitCommandError} on a non-zero exit unless `allowFailure`. */
export async function git(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  const result = await execa('git', [...args], {
    cwd: options.cwd,
    env: { ...GIT_ENV, ...options.env },
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: !options.rawStdout,
  });
  if (result.exitCode === undefined) {
    throw new GitCommandError(args, options.cwd, undefined, result.message ?? 'git could not run', { cause: result.cause });
  }
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw new GitCommandError(args, options.cwd, result.exitCode, result.stderr || result.stdout);
  }
  return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}

/** The commit a ref names, or undefined when it does not resolve. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  const result = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Whether `ancestor` is reachable from `descendant` (equal commits count). */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd, allowFailure: true });
  if (result.exitCode > 1) throw new GitCommandError(['merge-base', '--is-ancestor', ancestor, descendant], cwd, result.exitCode, result.stderr);
  return result.exitCode === 0;
}

/** Paths with unresolved merge conflicts in a worktree. */
export async function unmergedFiles(worktreePath: string): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: worktreePath });
  return [...new Set(stdout.split('\0').filter((file) => file !== ''))];
}
