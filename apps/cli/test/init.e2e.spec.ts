import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

// The built `ork` as a user runs it (the committed launcher, then dist), from a directory far
// from this checkout: the templates must ship with the build, not be read relative to the cwd.
// Build first: `npx nx run-many -t build --projects=@orkestra/cli`.

const launcher = fileURLToPath(new URL('../bin/ork.mjs', import.meta.url));

let dir: string;
beforeAll(async () => {
  await expect(stat(fileURLToPath(new URL('../dist/main.js', import.meta.url)))).resolves.toBeDefined();
  dir = await mkdtemp(path.join(tmpdir(), 'ork-init-e2e-'));
  await execa('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the built ork, run in another repository', () => {
  it('given a fresh repository as the cwd, when `ork init` runs, then it writes .orkestra/ there and exits 0', async () => {
    const result = await execa('node', [launcher, 'init'], { cwd: dir, reject: false });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('files created.');
    expect((await stat(path.join(dir, '.orkestra/workflow.yaml'))).isFile()).toBe(true);
    expect((await stat(path.join(dir, '.orkestra/scripts/checks.sh'))).mode & 0o777).toBe(0o755);
  });

  it('given `ork completion bash`, then bash accepts the script it prints', async () => {
    const { stdout } = await execa('node', [launcher, 'completion', 'bash'], { cwd: dir });
    await execa('bash', ['-n'], { input: stdout });
    expect(stdout).toContain('complete -o default -F _ork ork');
  });
});
