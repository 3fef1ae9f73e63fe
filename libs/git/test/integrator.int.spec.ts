import { jest } from '@jest/globals';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoRef } from '@orkestra/domain';
import { GhPullRequests } from '../src/gh-pull-requests.js';
import type { IntegrationRequest } from '../src/integrator.js';
import type { ProjectRepo } from '../src/project-repo.js';
import { createRunnerGit, type RunnerGit } from '../src/runner-git.js';
import { mergeInProgress } from '../src/sync-merge.js';
import { gitFixture, type GitFixture } from './support/git-fixture.js';

// Each case runs dozens of real git commands; on a loaded machine that outlasts Jest's 5 s default.
jest.setTimeout(30_000);

const repo: RepoRef = { branch: 'ork/t1-feature', baseBranch: 'main' };
const request = (mode: 'merge' | 'pr'): IntegrationRequest => ({ trakId: 't1', mode, repo, title: 'Add the feature', description: 'Adds it.' });

/** A worktree for t1 with two commits on top of main. */
async function workOnTrak(runner: RunnerGit, project: ProjectRepo, files: Record<string, string>): Promise<string> {
  const wt = await runner.worktrees.create(project, { trakId: 't1', repo });
  for (const [index, [file, text]] of Object.entries(files).entries()) {
    await writeFile(path.join(wt.path, file), text);
    await runner.commitAll(wt.path, `step ${index}`);
  }
  return wt.path;
}

describe('Integrator, merge mode (real git)', () => {
  let fx: GitFixture;
  let project: ProjectRepo;
  let runner: RunnerGit;

  beforeEach(async () => {
    fx = await gitFixture({ 'README.md': 'hello\n' });
    project = { projectId: 'proj', remoteUrl: fx.remote };
    runner = createRunnerGit({ root: fx.runnerRoot('a') });
  });
  afterEach(() => fx.cleanup());

  it('squashes, syncs with the moved base, merges --no-ff into the base and pushes it', async () => {
    const wtPath = await workOnTrak(runner, project, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await writeFile(path.join(wtPath, 'uncommitted.txt'), 'safety net\n');
    const movedBase = await fx.commitOnRemote('main', { 'other.txt': 'someone else\n' });

    const outcome = await runner.integrator.integrate(project, request('merge'));

    expect(outcome).toEqual({ kind: 'merged', mergeCommit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const mergeCommit = (outcome as { mergeCommit: string }).mergeCommit;
    expect(await fx.remoteRef('refs/heads/main')).toBe(mergeCommit);
    const [, firstParent, secondParent] = (await fx.gitOut(fx.remote, 'rev-list', '--parents', '-n1', mergeCommit)).split(' ');
    expect(firstParent).toBe(movedBase);
    // the Trak side: one squash commit (titled) plus the sync merge of the base
    const trakCommits = (await fx.gitOut(fx.remote, 'log', '--format=%s', '--no-merges', `${movedBase}..${secondParent}`)).split('\n');
    expect(trakCommits).toEqual(['Add the feature']);
    expect(await fx.remoteRef('refs/heads/ork/t1-feature')).toBe(secondParent);
    expect(await fx.gitOut(fx.remote, 'ls-tree', '--name-only', 'main')).toBe(
      ['README.md', 'a.txt', 'b.txt', 'other.txt', 'uncommitted.txt'].join('\n'),
    );
    expect(await fx.gitOut(fx.remote, 'log', '-1', '--format=%s|%an', 'main')).toBe('Merge ork/t1-feature: Add the feature|Orkestra');
  });

  it('leaves a conflict in the Trak worktree, lists its files, and keeps the base on the remote unchanged', async () => {
    const wtPath = await workOnTrak(runner, project, { 'README.md': 'hello from the trak\n', 'new.txt': 'new\n' });
    const baseTip = await fx.commitOnRemote('main', { 'README.md': 'hello from main\n' });

    const outcome = await runner.integrator.integrate(project, request('merge'));

    expect(outcome).toEqual({ kind: 'conflict', message: 'Merge conflict', conflictFiles: ['README.md'] });
    expect(await fx.remoteRef('refs/heads/main')).toBe(baseTip);
    expect(await mergeInProgress(wtPath)).toBe(true);
    expect(await readFile(path.join(wtPath, 'README.md'), 'utf8')).toContain('<<<<<<<');
    // asked again before anyone resolved it: the same conflict, nothing committed
    expect(await runner.integrator.integrate(project, request('merge'))).toMatchObject({ kind: 'conflict', conflictFiles: ['README.md'] });

    // someone resolves it in the worktree; the next integration concludes the merge and lands it
    await writeFile(path.join(wtPath, 'README.md'), 'hello from both\n');
    await fx.gitOut(wtPath, 'add', 'README.md');
    const merged = await runner.integrator.integrate(project, request('merge'));
    expect(merged).toMatchObject({ kind: 'merged' });
    expect(await fx.gitOut(fx.remote, 'show', 'main:README.md')).toBe('hello from both');
    expect(await fx.remoteRef('refs/heads/main~1')).toBe(baseTip);
  });

  it('merges what another runner pushed to the Trak branch since this runner last worked on it', async () => {
    const wtPath = await workOnTrak(runner, project, { 'a.txt': 'a\n' });
    await runner.push(wtPath);
    const other = createRunnerGit({ root: fx.runnerRoot('b') });
    const onB = await other.worktrees.create(project, { trakId: 't1', repo });
    await writeFile(path.join(onB.path, 'from-b.txt'), 'b\n');
    await other.commitAll(onB.path, 'work on b');
    await other.push(onB.path);

    expect(await runner.integrator.integrate(project, request('merge'))).toMatchObject({ kind: 'merged' });
    expect(await fx.gitOut(fx.remote, 'ls-tree', '--name-only', 'main')).toBe(['README.md', 'a.txt', 'from-b.txt'].join('\n'));
  });

  it('reports merged without a commit when the branch adds nothing, and failed for an unknown base', async () => {
    await runner.worktrees.create(project, { trakId: 't1', repo });
    const tip = await fx.remoteRef('refs/heads/main');
    expect(await runner.integrator.integrate(project, request('merge'))).toEqual({ kind: 'merged' });
    expect(await fx.remoteRef('refs/heads/main')).toBe(tip);

    const outcome = await runner.integrator.integrate(project, { ...request('merge'), repo: { ...repo, baseBranch: 'gone' } });
    expect(outcome).toEqual({ kind: 'failed', message: expect.stringContaining('Merge failed: Base branch gone') });
  });
});

describe('Integrator, PR mode (a fake gh first on PATH)', () => {
  let fx: GitFixture;
  let log: string;
  const savedPath = process.env.PATH;

  beforeEach(async () => {
    fx = await gitFixture({ 'README.md': 'hello\n' });
    const bin = path.join(fx.dir, 'bin');
    log = path.join(fx.dir, 'gh.log');
    await mkdir(bin);
    // Records each call's arguments (one per line, calls separated by ---); answers like gh does.
    await writeFile(
      path.join(bin, 'gh'),
      `#!/usr/bin/env bash
{ echo ---; printf '%s\\n' "$@"; } >> '${log}'
state='${path.join(fx.dir, 'gh.state')}'
case "$1 $2" in
  "pr view")
    if [ -f "$state" ]; then printf '{"url":"%s","number":7,"state":"OPEN"}\\n' "$(cat "$state")"
    else echo "no pull requests found for branch \\"$3\\"" >&2; exit 1; fi ;;
  "pr create")
    echo "https://github.com/acme/widgets/pull/7" > "$state"
    echo "https://github.com/acme/widgets/pull/7" ;;
  *) echo "unexpected gh call: $*" >&2; exit 2 ;;
esac
`,
    );
    await chmod(path.join(bin, 'gh'), 0o755);
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
  });
  afterEach(async () => {
    process.env.PATH = savedPath;
    await fx.cleanup();
  });

  it('pushes the branch and creates a PR, then reuses the open one', async () => {
    const project: ProjectRepo = { projectId: 'proj', remoteUrl: fx.remote };
    const runner = createRunnerGit({ root: fx.runnerRoot('a'), pullRequests: new GhPullRequests() });
    const wtPath = await workOnTrak(runner, project, { 'a.txt': 'a\n' });
    const base = await fx.remoteRef('refs/heads/main');

    const first = await runner.integrator.integrate(project, request('pr'));
    expect(first).toEqual({ kind: 'pr_opened', url: 'https://github.com/acme/widgets/pull/7' });
    expect(await fx.remoteRef('refs/heads/ork/t1-feature')).toBe(await fx.gitOut(wtPath, 'rev-parse', 'HEAD'));
    expect(await fx.remoteRef('refs/heads/main')).toBe(base);

    await writeFile(path.join(wtPath, 'b.txt'), 'b\n'); // pending work is committed and pushed on the next call
    const second = await runner.integrator.integrate(project, request('pr'));
    expect(second).toEqual(first);
    expect(await fx.gitOut(fx.remote, 'show', 'ork/t1-feature:b.txt')).toBe('b');

    const calls = (await readFile(log, 'utf8'))
      .split('---\n')
      .filter(Boolean)
      .map((call) => call.trimEnd().split('\n'));
    expect(calls).toEqual([
      ['pr', 'view', 'ork/t1-feature', '--json', 'url,number,state'],
      ['pr', 'create', '--head', 'ork/t1-feature', '--base', 'main', '--title', 'Add the feature', '--body', 'Adds it.'],
      ['pr', 'view', 'ork/t1-feature', '--json', 'url,number,state'],
    ]);
  });

  it('reports a failing gh as a failed integration', async () => {
    const project: ProjectRepo = { projectId: 'proj', remoteUrl: fx.remote };
    const runner = createRunnerGit({
      root: fx.runnerRoot('a'),
      pullRequests: new GhPullRequests({ command: path.join(fx.dir, 'no-such-gh') }),
    });
    await workOnTrak(runner, project, { 'a.txt': 'a\n' });
    expect(await runner.integrator.integrate(project, request('pr'))).toEqual({
      kind: 'failed',
      message: expect.stringContaining('PR creation failed: gh could not run'),
    });
  });
});
