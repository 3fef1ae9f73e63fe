import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoRef } from '@orkestra/domain';
import { SetupScriptError } from '../src/git.errors.js';
import type { ProjectRepo } from '../src/project-repo.js';
import { createRunnerGit } from '../src/runner-git.js';
import { gitFixture, type GitFixture } from './support/git-fixture.js';

const SETUP_SH = 'echo "setting up $1"\necho "ready" > .setup-ran\n';
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
const repoRef = (slug: string, extra: Partial<RepoRef> = {}): RepoRef => ({ branch: `ork/${slug}`, baseBranch: 'main', ...extra });

describe('Worktrees (real git, a local bare remote)', () => {
  let fx: GitFixture;
  let project: ProjectRepo;

  beforeEach(async () => {
    fx = await gitFixture({ 'README.md': 'hello\n', '.gitignore': '.env\n.setup-ran\n', '.orkestra/scripts/setup.sh': SETUP_SH });
    project = { projectId: 'proj', remoteUrl: fx.remote };
  });
  afterEach(() => fx.cleanup());

  it('creates a mirror and a worktree on a new Trak branch from the base branch latest commit', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const latest = await fx.commitOnRemote('main', { 'later.txt': 'later\n' });

    const wt = await runner.worktrees.create(project, { trakId: 't1', repo: repoRef('t1-first') });

    expect(wt).toMatchObject({ projectId: 'proj', trakId: 't1', branch: 'ork/t1-first', head: latest, source: 'base' });
    expect(wt.path).toBe(path.join(fx.runnerRoot('a'), 'worktrees', 'proj', 't1'));
    expect(await exists(path.join(fx.runnerRoot('a'), 'mirrors', 'proj.git', 'HEAD'))).toBe(true);
    expect(await fx.gitOut(wt.path, 'symbolic-ref', '--short', 'HEAD')).toBe('ork/t1-first');
    expect(await readFile(path.join(wt.path, 'later.txt'), 'utf8')).toBe('later\n');
    // the committed default setup script ran in the worktree, given its path
    expect(wt.setup).toMatchObject({ script: '.orkestra/scripts/setup.sh' });
    expect(wt.setup?.output).toContain(`setting up ${wt.path}`);
    expect(await readFile(path.join(wt.path, '.setup-ran'), 'utf8')).toBe('ready\n');
  });

  it('starts from the given baseCommit instead of the base branch tip', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const initial = (await fx.remoteRef('main'))!;
    await fx.commitOnRemote('main', { 'later.txt': 'later\n' });
    const wt = await runner.worktrees.create(project, { trakId: 't1', repo: repoRef('t1', { baseCommit: initial }) });
    expect(wt.head).toBe(initial);
  });

  it('is idempotent: a second create returns the same worktree, a second remove is a no-op', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const first = await runner.worktrees.create(project, { trakId: 't1', repo: repoRef('t1') });
    const second = await runner.worktrees.create(project, { trakId: 't1', repo: repoRef('t1') });
    expect(second).toMatchObject({ path: first.path, branch: first.branch, head: first.head, source: 'existing' });
    expect(second.setup).toBeUndefined(); // setup ran once

    expect(await runner.worktrees.remove('proj', 't1')).toBe(true);
    expect(await exists(first.path)).toBe(false);
    expect(await fx.gitOut(runner.mirrors.path('proj'), 'branch', '--list', 'ork/t1')).toBe('');
    expect(await runner.worktrees.remove('proj', 't1')).toBe(false);
    expect(await runner.worktrees.remove('other', 'never')).toBe(false);
  });

  it('creates 5 worktrees of different Traks on one repository concurrently', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const created = await Promise.all(ids.map((id) => runner.worktrees.create(project, { trakId: id, repo: repoRef(id) })));
    expect(created.map((wt) => wt.branch)).toEqual(ids.map((id) => `ork/${id}`));
    const listed = await fx.gitOut(runner.mirrors.path('proj'), 'worktree', 'list', '--porcelain');
    expect(listed.match(/^branch refs\/heads\/ork\//gm)).toHaveLength(5);
    // removals in parallel too
    await Promise.all(ids.map((id) => runner.worktrees.remove('proj', id)));
    expect(await runner.worktrees.trakIds('proj')).toEqual([]);
  });

  it('copies the ignored files the project lists and keeps them out of commits', async () => {
    const secrets = path.join(fx.dir, 'secrets');
    await mkdir(secrets, { recursive: true });
    await writeFile(path.join(secrets, '.env'), 'TOKEN=abc\n');
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const wt = await runner.worktrees.create(
      { ...project, setup: { copyIgnored: ['.env', 'not-there.txt'], copySourceDir: secrets } },
      { trakId: 't1', repo: repoRef('t1') },
    );
    expect(await readFile(path.join(wt.path, '.env'), 'utf8')).toBe('TOKEN=abc\n');
    expect(await runner.commitAll(wt.path, 'nothing yet')).toBeUndefined();
  });

  it('reports a failing setup script with its output, and runs it again on the next create', async () => {
    const failing = path.join(fx.dir, 'failing-setup.sh');
    await writeFile(failing, 'echo "installing deps"\necho "boom: tool missing" >&2\nexit 3\n');
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });

    const error = await runner.worktrees
      .create({ ...project, setup: { script: failing } }, { trakId: 't1', repo: repoRef('t1') })
      .catch((e: unknown) => e);
    expect(SetupScriptError.is(error)).toBe(true);
    const failure = error as SetupScriptError;
    expect(failure).toMatchObject({ code: 'GIT.SETUP_SCRIPT_FAILED', exitCode: 3, timedOut: false });
    expect(failure.output).toContain('installing deps');
    expect(failure.output).toContain('boom: tool missing');
    expect(failure.message).toContain('boom: tool missing');

    const retried = await runner.worktrees.create(project, { trakId: 't1', repo: repoRef('t1') });
    expect(retried.source).toBe('existing');
    expect(retried.setup?.script).toBe('.orkestra/scripts/setup.sh');
  });

  it('kills a setup script that runs past its timeout', async () => {
    const slow = path.join(fx.dir, 'slow-setup.sh');
    await writeFile(slow, 'echo "starting"\nsleep 30\n');
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const started = Date.now();
    const error = await runner.worktrees
      .create({ ...project, setup: { script: slow, timeoutMs: 300 } }, { trakId: 't1', repo: repoRef('t1') })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'GIT.SETUP_SCRIPT_FAILED', timedOut: true });
    expect((error as SetupScriptError).output).toContain('starting');
  });

  it('keeps .orkestra/.artifacts/ out of commits through the exclude file; commits as the configured identity', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    const wt = await runner.worktrees.create(project, { trakId: 't1', repo: repoRef('t1') });
    await mkdir(path.join(wt.path, '.orkestra', '.artifacts'), { recursive: true });
    await writeFile(path.join(wt.path, '.orkestra', '.artifacts', 'plan.md'), '# plan\n');
    await writeFile(path.join(wt.path, 'feature.txt'), 'feature\n');

    const commit = await runner.commitAll(wt.path, 'Add feature');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect((await fx.gitOut(wt.path, 'show', '--name-only', '--format=', 'HEAD')).split('\n')).toEqual(['feature.txt']);
    expect(await fx.gitOut(wt.path, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s')).toBe(
      'Orkestra <orkestra@localhost>|Orkestra <orkestra@localhost>|Add feature',
    );
    expect(await runner.commitAll(wt.path, 'again')).toBeUndefined();

    const custom = createRunnerGit({ root: fx.runnerRoot('b'), identity: { name: 'Build Box', email: 'box@example.com' } });
    const other = await custom.worktrees.create(project, { trakId: 't2', repo: repoRef('t2') });
    await writeFile(path.join(other.path, 'x.txt'), 'x\n');
    await custom.commitAll(other.path, 'x');
    expect(await fx.gitOut(other.path, 'log', '-1', '--format=%an <%ae>')).toBe('Build Box <box@example.com>');
  });

  it('pushes the Trak branch; a second runner continues from it', async () => {
    const a = createRunnerGit({ root: fx.runnerRoot('a') });
    const b = createRunnerGit({ root: fx.runnerRoot('b') });
    const onA = await a.worktrees.create(project, { trakId: 't1', repo: repoRef('t1-work') });
    await writeFile(path.join(onA.path, 'work.txt'), 'from runner a\n');
    const commit = await a.commitAll(onA.path, 'Work on a');
    expect(await a.push(onA.path)).toEqual({ branch: 'ork/t1-work', commit });
    expect(await fx.remoteRef('refs/heads/ork/t1-work')).toBe(commit);

    const onB = await b.worktrees.create(project, { trakId: 't1', repo: repoRef('t1-work') });
    expect(onB).toMatchObject({ source: 'remote-branch', head: commit, branch: 'ork/t1-work' });
    expect(await readFile(path.join(onB.path, 'work.txt'), 'utf8')).toBe('from runner a\n');

    // b moves on and pushes; a's existing worktree catches up on its next create
    await writeFile(path.join(onB.path, 'work.txt'), 'from runner b\n');
    const fromB = await b.commitAll(onB.path, 'Work on b');
    await b.push(onB.path);
    expect(await a.worktrees.create(project, { trakId: 't1', repo: repoRef('t1-work') })).toMatchObject({ source: 'existing', head: fromB });
    expect(await readFile(path.join(onA.path, 'work.txt'), 'utf8')).toBe('from runner b\n');
    await writeFile(path.join(onA.path, 'other.txt'), 'a again\n');
    await a.commitAll(onA.path, 'More on a');
    await a.push(onA.path);

    // b, not having fetched, commits too: its lease is stale; after a fetch the push still refuses to drop a's commit
    await writeFile(path.join(onB.path, 'b.txt'), 'b again\n');
    await b.commitAll(onB.path, 'More on b');
    await expect(b.push(onB.path)).rejects.toMatchObject({ code: 'GIT.PUSH_REJECTED', stderr: expect.stringContaining('stale info') });
    await b.mirrors.sync(project);
    await expect(b.push(onB.path)).rejects.toMatchObject({ code: 'GIT.PUSH_REJECTED', stderr: expect.stringContaining('lacks') });
    await expect(b.worktrees.create(project, { trakId: 't1', repo: repoRef('t1-work') })).rejects.toMatchObject({
      code: 'GIT.BRANCH_DIVERGED',
    });
  });

  it('refuses ids that are not plain path segments and branch names git rejects', async () => {
    const runner = createRunnerGit({ root: fx.runnerRoot('a') });
    await expect(runner.worktrees.create(project, { trakId: '../escape', repo: repoRef('x') })).rejects.toMatchObject({
      code: 'GIT.INVALID_NAME',
    });
    await expect(runner.worktrees.create(project, { trakId: 't1', repo: repoRef('bad..name') })).rejects.toMatchObject({
      code: 'GIT.INVALID_NAME',
    });
    await expect(
      runner.worktrees.create(project, { trakId: 't2', repo: { branch: 'ork/t2', baseBranch: 'nope' } }),
    ).rejects.toMatchObject({ code: 'GIT.BASE_BRANCH_NOT_FOUND' });
  });
});
