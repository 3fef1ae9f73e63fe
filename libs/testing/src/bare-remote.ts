import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SEEDER = { GIT_AUTHOR_NAME: 'Seeder', GIT_AUTHOR_EMAIL: 'seeder@example.com', GIT_COMMITTER_NAME: 'Seeder', GIT_COMMITTER_EMAIL: 'seeder@example.com' };

/**
 * A bare repository at `<dir>/remote.git` whose `main` holds `files`, standing in for a project's
 * remote. Files ending in `.sh` are committed executable (gates and setup scripts run them directly).
 */
export async function bareRemote(dir: string, files: Record<string, string>): Promise<string> {
  const remote = path.join(dir, 'remote.git');
  const seed = path.join(dir, 'seed');
  const git = (args: string[], cwd?: string) => run('git', args, { ...(cwd !== undefined && { cwd }), env: { ...process.env, ...SEEDER } });
  await git(['init', '--bare', '--quiet', '--initial-branch=main', remote]);
  await git(['clone', '--quiet', remote, seed]);
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(seed, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    if (file.endsWith('.sh')) await chmod(target, 0o755);
  }
  await git(['add', '-A'], seed);
  await git(['commit', '--quiet', '-m', 'seed'], seed);
  await git(['push', '--quiet', 'origin', 'HEAD:main'], seed);
  return remote;
}
