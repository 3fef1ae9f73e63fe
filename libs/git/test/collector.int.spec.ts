import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectRepo } from '../src/project-repo.js';
import { createRunnerGit } from '../src/runner-git.js';
import { gitFixture, type GitFixture } from './support/git-fixture.js';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('WorktreeCollector (real git)', () => {
  let fx: GitFixture;

  beforeEach(async () => {
    fx = await gitFixture({ 'README.md': 'hello\n' });
  });
  afterEach(() => fx.cleanup());

  it('removes the worktrees and local branches of inactive Traks and reports disk use per project', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const project: ProjectRepo = { projectId: 'proj', remoteUrl: fx.remote };
    const [keep, gone1, gone2] = await Promise.all(
      ['keep', 'gone1', 'gone2'].map((trakId) => runner.worktrees.create(project, { trakId, repo: { branch: `ork/${trakId}`, baseBranch: 'main' } })),
    );
    const before = await runner.collector.diskUsage();
    expect(before).toEqual([
      { projectId: 'proj', mirrorBytes: expect.any(Number), worktreeBytes: expect.any(Number), totalBytes: expect.any(Number) },
    ]);
    expect(before[0]!.mirrorBytes).toBeGreaterThan(0);
    expect(before[0]!.totalBytes).toBe(before[0]!.mirrorBytes + before[0]!.worktreeBytes);

    await writeFile(path.join(keep!.path, 'big.bin'), Buffer.alloc(100_000));
    const grown = (await runner.collector.diskUsage())[0]!;
    expect(grown.worktreeBytes - before[0]!.worktreeBytes).toBe(100_000);

    const removed = await runner.collector.collect([{ projectId: 'proj', trakId: 'keep' }]);

    expect(removed.map((r) => r.trakId).sort()).toEqual(['gone1', 'gone2']);
    expect(await exists(gone1!.path)).toBe(false);
    expect(await exists(gone2!.path)).toBe(false);
    expect(await exists(keep!.path)).toBe(true);
    expect(await fx.gitOut(runner.mirrors.path('proj'), 'branch', '--format=%(refname:short)')).toBe('ork/keep');
    expect((await runner.collector.diskUsage())[0]!.worktreeBytes).toBeLessThan(grown.worktreeBytes);
    expect(await runner.collector.collect([{ projectId: 'proj', trakId: 'keep' }])).toEqual([]);
  });
});
