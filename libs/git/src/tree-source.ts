import { git, resolveCommit } from './git-exec.js';
import { BranchNotFoundError, GitFileTooLargeError, InvalidGitNameError } from './git.errors.js';
import { REMOTE } from './mirrors.js';

/** Files read from a commit are at most this large unless a reader says otherwise. */
export const MAX_TREE_FILE_BYTES = 1024 * 1024;

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The files of one commit of a repository, read without a checkout (the shape
 * `loadWorkflowFrom` in `@orkestra/workflow-config` takes). Paths are relative to the
 * repository root and separated by `/`.
 */
export interface TreeSource {
  /** Where the files are, for messages: `main at 1a2b3c4d5e6f`. */
  readonly label: string;
  readonly commit: string;
  /** The file's size in bytes, or undefined when the commit has no such file. */
  fileSize(path: string): Promise<number | undefined>;
  /** The file's text, or undefined when the commit has no such file; throws {@link GitFileTooLargeError} past the limit. */
  readFile(path: string): Promise<string | undefined>;
  /** Names of the files directly in `dir` (no subfolders), or none when the commit has no such folder. */
  listFiles(dir: string): Promise<string[]>;
}

export interface GitTreeSourceOptions {
  /** Shown in messages; default `commit <first 12 hex digits>`. */
  readonly label?: string;
  /** Larger files are not read (default {@link MAX_TREE_FILE_BYTES}). */
  readonly maxFileBytes?: number;
}

interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly object: string;
  readonly size: number | undefined;
  readonly path: string;
}

/**
 * Reads `commit` of the (bare) repository at `repoDir` with `git ls-tree` and `git cat-file`.
 * `commit` must be a full object id, as {@link resolveRemoteBranch} returns: a branch name could
 * move between two reads and mix files of two commits.
 */
export function gitTreeSource(repoDir: string, commit: string, options: GitTreeSourceOptions = {}): TreeSource {
  if (!FULL_SHA.test(commit)) throw new InvalidGitNameError('commit', commit);
  const label = options.label ?? `commit ${commit.slice(0, 12)}`;
  const maxFileBytes = options.maxFileBytes ?? MAX_TREE_FILE_BYTES;

  const entries = async (pathspec: string): Promise<TreeEntry[]> => {
    const { stdout } = await git(['ls-tree', '-l', '-z', '--full-tree', commit, '--', pathspec], { cwd: repoDir });
    return stdout.split('\0').filter((record) => record !== '').map(parseEntry);
  };
  const blob = async (file: string): Promise<TreeEntry | undefined> => {
    const [entry] = await entries(checkedPath(file));
    return entry?.type === 'blob' && entry.path === file ? entry : undefined;
  };

  return {
    label,
    commit,
    fileSize: async (file) => (await blob(file))?.size,
    async readFile(file) {
      const entry = await blob(file);
      if (entry === undefined) return undefined;
      const size = entry.size ?? 0;
      if (size > maxFileBytes) throw new GitFileTooLargeError(file, size, maxFileBytes, label);
      return (await git(['cat-file', 'blob', entry.object], { cwd: repoDir, rawStdout: true })).stdout;
    },
    async listFiles(dir) {
      const folder = checkedPath(dir);
      const found = await entries(`${folder}/`);
      return found.filter((entry) => entry.type === 'blob').map((entry) => entry.path.slice(folder.length + 1));
    },
  };
}

/** `<mode> SP <type> SP <object> SP+ <size> TAB <path>`, as `ls-tree -l -z` prints each entry. */
function parseEntry(record: string): TreeEntry {
  const tab = record.indexOf('\t');
  const [mode = '', type = '', object = '', size = '-'] = record.slice(0, tab).split(/ +/);
  return { mode, type, object, size: size === '-' ? undefined : Number(size), path: record.slice(tab + 1) };
}

/** A relative path inside the tree: no leading `/`, no `.`/`..`/empty segments (git would read those some other way, or fail). */
function checkedPath(file: string): string {
  const segments = file.split('/');
  if (file === '' || file.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidGitNameError('path', file);
  }
  return file;
}

/**
 * The commit at the head of `branch` on the remote, as the mirror at `mirrorDir` last fetched it
 * (`refs/remotes/origin/<branch>`, the layout of {@link Mirrors}). Throws
 * {@link BranchNotFoundError} listing the remote's branches when it has no such branch.
 */
export async function resolveRemoteBranch(mirrorDir: string, branch: string): Promise<string> {
  const valid = await git(['check-ref-format', `refs/heads/${branch}`], { cwd: mirrorDir, allowFailure: true });
  if (valid.exitCode !== 0 || branch.startsWith('-')) throw new InvalidGitNameError('branch', branch);
  const commit = await resolveCommit(mirrorDir, `refs/remotes/${REMOTE}/${branch}`);
  if (commit !== undefined) return commit;
  const branches = await remoteBranches(mirrorDir);
  throw new BranchNotFoundError(branch, branches.slice(0, BranchNotFoundError.LISTED), branches.length);
}

/** The remote's branch names in the mirror, sorted. */
export async function remoteBranches(mirrorDir: string): Promise<string[]> {
  const prefix = `refs/remotes/${REMOTE}/`;
  const { stdout } = await git(['for-each-ref', '--format=%(refname)', prefix], { cwd: mirrorDir });
  return stdout
    .split('\n')
    .filter((ref) => ref.startsWith(prefix))
    .map((ref) => ref.slice(prefix.length))
    .filter((name) => name !== 'HEAD');
}
