import { git } from './git-exec.js';

/** Files of one commit, read straight from a (bare) repository without a checkout. */
export interface TreeSource {
  /** The commit read, for labels. */
  readonly label: string;
  /** The file's text, or undefined when the commit has no such file. */
  readFile(file: string): Promise<string | undefined>;
}

/** Reads files of `commit` in the repository at `repoDir` with `git show <commit>:<path>`. */
export function gitTreeSource(repoDir: string, commit: string): TreeSource {
  return {
    label: commit.slice(0, 12),
    async readFile(file) {
      const result = await git(['show', `${commit}:${file}`], { cwd: repoDir, allowFailure: true });
      return result.exitCode === 0 ? result.stdout : undefined;
    },
  };
}
