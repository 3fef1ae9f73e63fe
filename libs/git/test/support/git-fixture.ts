import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git } from '../../src/git-exec.js';
import { identityEnv } from '../../src/git-identity.js';

const SEEDER = identityEnv({ name: 'Seeder', email: 'seeder@example.com' });

/** A temp dir holding a bare "remote" whose `main` is seeded with `files`; `cleanup()` removes it all. */
export interface GitFixture {
  readonly dir: string;
  readonly remote: string;
  /** A fresh runner data dir under the fixture. */
  runnerRoot(name: string): string;
  /** Commits `files` on `branch` of the remote (through a scratch clone); returns the new tip. */
  commitOnRemote(branch: string, files: Record<string, string>, message?: string): Promise<string>;
  /** The remote's commit for `ref`, or undefined. */
  remoteRef(ref: string): Promise<string | undefined>;
  /** Runs git in a directory and returns trimmed stdout. */
  gitOut(cwd: string, ...args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

export async function gitFixture(files: Record<string, string> = { 'README.md': 'hello\n' }): Promise<GitFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ork-git-'));
  const remote = path.join(dir, 'remote.git');
  await git(['init', '--bare', '--quiet', '--initial-branch=main', remote], { cwd: dir });
  let scratchCount = 0;

  const gitOut = async (cwd: string, ...args: string[]): Promise<string> => (await git(args, { cwd })).stdout.trim();

  const commitOnRemote = async (branch: string, content: Record<string, string>, message = `seed ${branch}`): Promise<string> => {
    const scratch = path.join(dir, `scratch-${scratchCount++}`);
    await git(['clone', '--quiet', remote, scratch], { cwd: dir });
    const exists = (await git(['ls-remote', '--heads', 'origin', branch], { cwd: scratch })).stdout.trim() !== '';
    const hasMain = (await git(['ls-remote', '--heads', 'origin', 'main'], { cwd: scratch })).stdout.trim() !== '';
    const checkout = exists
      ? ['checkout', '--quiet', branch]
      : hasMain
        ? ['checkout', '--quiet', '-b', branch, 'origin/main']
        : ['checkout', '--quiet', '--orphan', branch];
    await git(checkout, { cwd: scratch });
    for (const [file, text] of Object.entries(content)) {
      await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
      await writeFile(path.join(scratch, file), text);
    }
    await git(['add', '-A'], { cwd: scratch });
    await git(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', message], { cwd: scratch, env: SEEDER });
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: scratch });
    const tip = await gitOut(scratch, 'rev-parse', 'HEAD');
    await rm(scratch, { recursive: true, force: true });
    return tip;
  };

  const remoteRef = async (ref: string): Promise<string | undefined> => {
    const result = await git(['rev-parse', '--verify', '--quiet', ref], { cwd: remote, allowFailure: true });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  };

  await commitOnRemote('main', files, 'initial commit');
  return {
    dir,
    remote,
    runnerRoot: (name) => path.join(dir, 'runners', name),
    commitOnRemote,
    remoteRef,
    gitOut,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
