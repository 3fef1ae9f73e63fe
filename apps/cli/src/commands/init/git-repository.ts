import { stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { CliError } from '../../shell/cli-error.js';
import { EXIT } from '../../shell/exit-codes.js';

/** What `ork init` needs to know about the repository it sets up. */
export interface GitRepository {
  /** The work tree's root, where `.orkestra/` goes: the server reads it from there on the branch. */
  readonly root: string;
  /** `origin`'s URL (else the first remote's), for the `ork project add` hint; undefined without remotes. */
  readonly remote?: string;
}

const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, reject: false, stdin: 'ignore' });

/**
 * The git work tree `dir` belongs to. `.orkestra/` lives at its root, not in `dir` itself, because
 * the server and the runners look for it there. A directory outside any work tree is the user's
 * mistake (usage), told with the command that fixes it.
 */
export async function findRepository(dir: string): Promise<GitRepository> {
  const kind = await stat(dir).then(
    (s) => (s.isDirectory() ? 'dir' : 'file'),
    () => 'missing',
  );
  if (kind !== 'dir') {
    throw new CliError(
      `${dir} ${kind === 'missing' ? 'does not exist' : 'is not a directory'}`,
      EXIT.usage,
      'Run `ork init` inside your git repository, or pass a directory of it: `ork init <dir>`.',
      { code: 'INIT.NO_DIRECTORY', dir },
    );
  }
  const result = await git(dir, 'rev-parse', '--show-toplevel');
  if (result.exitCode === undefined && 'code' in result && result.code === 'ENOENT') {
    throw new CliError('git is not installed (no `git` on PATH)', EXIT.internal, 'Install git, then run `ork init` again.', { code: 'INIT.NO_GIT' });
  }
  if (result.exitCode !== 0) throw notAWorkTree(dir, String(result.stderr));
  const root = path.resolve(result.stdout.trim());
  const remote = await originOf(root);
  return { root, ...(remote !== undefined && { remote }) };
}

function notAWorkTree(dir: string, stderr: string): CliError {
  const details = { code: 'INIT.NOT_A_REPOSITORY', dir };
  if (/not a git repository/i.test(stderr)) {
    return new CliError(
      `${dir} is not in a git repository`,
      EXIT.usage,
      'Orkestra works on git repositories: run `git init` there (or clone your repository), then `ork init` again.',
      details,
    );
  }
  if (/must be run in a work tree/i.test(stderr)) {
    return new CliError(
      `${dir} is inside a .git folder or a bare repository, not a checkout`,
      EXIT.usage,
      'Run `ork init` in a checkout of the repository (a clone with its files).',
      details,
    );
  }
  // Anything else (e.g. "dubious ownership") git explains best itself.
  const said = stderr.trim().split('\n').slice(0, 4).join('\n');
  return new CliError(`git cannot use the repository at ${dir}:\n${said}`, EXIT.usage, 'Do what git suggests above, then run `ork init` again.', details);
}

async function originOf(root: string): Promise<string | undefined> {
  const origin = await git(root, 'remote', 'get-url', 'origin');
  if (origin.exitCode === 0 && origin.stdout.trim() !== '') return origin.stdout.trim();
  const first = (await git(root, 'remote')).stdout.split('\n')[0]?.trim();
  if (first === undefined || first === '') return undefined;
  const url = await git(root, 'remote', 'get-url', first);
  return url.exitCode === 0 && url.stdout.trim() !== '' ? url.stdout.trim() : undefined;
}

/** Whether `.orkestra/` has changes git would commit (new, modified or deleted files). */
export async function hasUncommittedChanges(root: string): Promise<boolean> {
  const status = await git(root, 'status', '--porcelain', '--untracked-files=all', '--', '.orkestra');
  return status.exitCode !== 0 || status.stdout.trim() !== '';
}
