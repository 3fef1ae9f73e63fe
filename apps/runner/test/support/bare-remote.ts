import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

const SEEDER = { GIT_AUTHOR_NAME: 'Seeder', GIT_AUTHOR_EMAIL: 'seeder@example.com', GIT_COMMITTER_NAME: 'Seeder', GIT_COMMITTER_EMAIL: 'seeder@example.com' };

/** A bare repository at `<dir>/remote.git` whose `main` holds `files`, standing in for a project's remote. */
export async function bareRemote(dir: string, files: Record<string, string>): Promise<string> {
  const remote = path.join(dir, 'remote.git');
  const seed = path.join(dir, 'seed');
  await execa('git', ['init', '--bare', '--quiet', '--initial-branch=main', remote]);
  await execa('git', ['clone', '--quiet', remote, seed]);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(seed, file)), { recursive: true });
    await writeFile(path.join(seed, file), text);
  }
  await execa('git', ['add', '-A'], { cwd: seed });
  await execa('git', ['commit', '--quiet', '-m', 'seed'], { cwd: seed, env: SEEDER });
  await execa('git', ['push', '--quiet', 'origin', 'HEAD:main'], { cwd: seed });
  return remote;
}
