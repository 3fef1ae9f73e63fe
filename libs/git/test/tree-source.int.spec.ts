import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowConfigError, loadWorkflowFrom, templatesDir } from '@orkestra/workflow-config';
import { BranchNotFoundError, GitFileTooLargeError, InvalidGitNameError } from '../src/git.errors.js';
import { KeyedMutex } from '../src/keyed-mutex.js';
import { Mirrors } from '../src/mirrors.js';
import { runnerLayout } from '../src/runner-layout.js';
import { gitTreeSource, resolveRemoteBranch } from '../src/tree-source.js';
import { gitFixture, type GitFixture } from './support/git-fixture.js';

/** The bundled default `.orkestra/`, as files to commit. */
async function defaultOrkestra(): Promise<Record<string, string>> {
  const root = templatesDir();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const absolute = path.join(entry.parentPath, entry.name);
    files[path.posix.join('.orkestra', ...path.relative(root, absolute).split(path.sep))] = await readFile(absolute, 'utf8');
  }
  return files;
}

/** What the api does when a Trak is created: fetch, resolve the base branch, load `.orkestra/` at that commit. */
async function workflowAtHead(mirrors: Mirrors, fx: GitFixture, branch: string) {
  const mirror = await mirrors.sync({ projectId: 'proj', remoteUrl: fx.remote });
  const commit = await resolveRemoteBranch(mirror, branch);
  const workflow = await loadWorkflowFrom(gitTreeSource(mirror, commit, { label: `${branch} at ${commit.slice(0, 12)}` }));
  return { workflow, commit };
}

const configErrorOf = async (promise: Promise<unknown>): Promise<WorkflowConfigError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WorkflowConfigError)) throw new Error(`expected a WorkflowConfigError, got ${String(error)}`);
  return error;
};

describe('Loading .orkestra/ at the head of a branch of a bare mirror (real git)', () => {
  let fx: GitFixture;
  let mirrors: Mirrors;
  let orkestra: Record<string, string>;

  beforeAll(async () => {
    orkestra = await defaultOrkestra();
  });
  beforeEach(async () => {
    fx = await gitFixture({ 'README.md': 'hello\n', ...orkestra });
    mirrors = new Mirrors(runnerLayout(path.join(fx.dir, 'api-data')), new KeyedMutex());
  });
  afterEach(() => fx.cleanup());

  it('returns the definition and the commit it was read at, following the branch as it moves', async () => {
    const first = await workflowAtHead(mirrors, fx, 'main');
    expect(first.commit).toBe(await fx.remoteRef('main'));
    expect(first.workflow.flows.map((f) => f.name)).toEqual(['default', 'large', 'subtask']);
    expect(first.workflow.flows[0]?.stages.map((s) => s.prompt)).toEqual(['planner.md', 'worker.md', 'reviewer.md']);

    const moved = await fx.commitOnRemote('main', {
      '.orkestra/workflow.yaml': 'flows:\n  quick:\n    stages: [{ name: work, artifact: summary, prompt: worker.md }]\n    integration: { on_failure: work }\n',
    });
    const second = await workflowAtHead(mirrors, fx, 'main');
    expect(second.commit).toBe(moved);
    expect(second.workflow.flows.map((f) => f.name)).toEqual(['quick']);
  });

  it('reports a broken workflow.yaml with the line and column of each problem', async () => {
    await fx.commitOnRemote('broken', {
      '.orkestra/workflow.yaml': ['flows:', '  default:', '    stages:', '      - name: work', '\t  artifact: summary', '    integration: { on_failure: work }', ''].join('\n'),
    });
    await fx.commitOnRemote('invalid', {
      '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages: [{ name: work, artifact: trak, prompt: worker.md }]\n    integration: { on_failure: deploy }\n',
    });

    const broken = await configErrorOf(workflowAtHead(mirrors, fx, 'broken'));
    expect(broken.issues[0]).toEqual({
      file: '.orkestra/workflow.yaml',
      line: 5,
      column: 1,
      path: '',
      message: 'YAML syntax error: Tabs are not allowed as indentation',
    });

    const invalid = await configErrorOf(workflowAtHead(mirrors, fx, 'invalid'));
    expect(invalid.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`)).toEqual([
      '3:28 flows.default.stages[0].artifact "trak" is reserved (reserved: activity_log, trak)',
      '4:20 flows.default.integration.on_failure names "deploy", which is not a stage of flow "default" (stages: work)',
    ]);
  });

  it('reports a stage whose prompt template is not committed', async () => {
    await fx.commitOnRemote('no-template', {
      '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: test\n        artifact: report\n        prompt: tester.md\n    integration: { on_failure: test }\n',
    });
    const error = await configErrorOf(workflowAtHead(mirrors, fx, 'no-template'));
    expect(error.issues).toEqual([
      {
        file: '.orkestra/workflow.yaml',
        line: 6,
        column: 9,
        path: 'flows.default.stages[0].prompt',
        message: 'stage `test`: prompt template `.orkestra/agents/tester.md` does not exist',
      },
    ]);
  });

  it('says where workflow.yaml is missing and how to add it', async () => {
    await fx.cleanup();
    fx = await gitFixture({ 'README.md': 'no orkestra here\n' });
    mirrors = new Mirrors(runnerLayout(path.join(fx.dir, 'api-data')), new KeyedMutex());
    const error = await configErrorOf(workflowAtHead(mirrors, fx, 'main'));
    const commit = (await fx.remoteRef('main'))!;
    expect(error.issues[0]?.message).toBe(
      `does not exist at main at ${commit.slice(0, 12)}; run \`ork init\` in a checkout of the project, then commit and push \`.orkestra/\``,
    );
  });

  it('refuses a workflow.yaml over 1 MB without reading it, and the source refuses to read it too', async () => {
    const huge = `# ${'x'.repeat(2 * 1024 * 1024)}\n`;
    await fx.commitOnRemote('huge', { '.orkestra/workflow.yaml': huge });
    const error = await configErrorOf(workflowAtHead(mirrors, fx, 'huge'));
    expect(error.issues[0]?.message).toMatch(/^is 2 MB; the limit is 1 MB \(at huge at [0-9a-f]{12}\)$/);

    const mirror = mirrors.path('proj');
    const source = gitTreeSource(mirror, await resolveRemoteBranch(mirror, 'huge'));
    expect(await source.fileSize('.orkestra/workflow.yaml')).toBe(Buffer.byteLength(huge));
    await expect(source.readFile('.orkestra/workflow.yaml')).rejects.toBeInstanceOf(GitFileTooLargeError);
  });

  it('names an unknown branch and lists the first 20 branches the remote has', async () => {
    const tip = (await fx.remoteRef('main'))!;
    for (let i = 1; i <= 25; i += 1) await fx.gitOut(fx.remote, 'update-ref', `refs/heads/feature-${String(i).padStart(2, '0')}`, tip);

    const error = await workflowAtHead(mirrors, fx, 'mian').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BranchNotFoundError);
    const notFound = error as BranchNotFoundError;
    expect(notFound.code).toBe('GIT.BRANCH_NOT_FOUND');
    expect(notFound.branch).toBe('mian');
    expect(notFound.branchCount).toBe(26);
    expect(notFound.knownBranches).toEqual([...Array.from({ length: 20 }, (_, i) => `feature-${String(i + 1).padStart(2, '0')}`)]);
    expect(notFound.message).toBe(`Branch "mian" does not exist on the remote; its branches are ${notFound.knownBranches.join(', ')} and 6 more`);
  });

  it('refuses branch names and paths that are not names', async () => {
    const mirror = await mirrors.sync({ projectId: 'proj', remoteUrl: fx.remote });
    await expect(resolveRemoteBranch(mirror, 'main..x')).rejects.toBeInstanceOf(InvalidGitNameError);
    await expect(resolveRemoteBranch(mirror, '--all')).rejects.toBeInstanceOf(InvalidGitNameError);
    expect(() => gitTreeSource(mirror, 'main')).toThrow(InvalidGitNameError);
    const source = gitTreeSource(mirror, await resolveRemoteBranch(mirror, 'main'));
    await expect(source.readFile('../etc/passwd')).rejects.toBeInstanceOf(InvalidGitNameError);
    await expect(source.readFile('/README.md')).rejects.toBeInstanceOf(InvalidGitNameError);
  });

  it('reads files byte for byte and lists only the files directly in a folder', async () => {
    await fx.commitOnRemote('main', { '.orkestra/agents/nested/deep.md': 'deep\n', '.orkestra/agents/two-lines.md': 'one\ntwo\n\n' });
    const mirror = await mirrors.sync({ projectId: 'proj', remoteUrl: fx.remote });
    const source = gitTreeSource(mirror, await resolveRemoteBranch(mirror, 'main'));

    expect(await source.readFile('.orkestra/agents/two-lines.md')).toBe('one\ntwo\n\n');
    expect(await source.readFile('.orkestra/agents/none.md')).toBeUndefined();
    expect(await source.readFile('.orkestra/agents')).toBeUndefined();
    expect(await source.listFiles('.orkestra/agents')).toEqual([
      'breakdown.md',
      'compound.md',
      'planner.md',
      'reviewer.md',
      'two-lines.md',
      'worker.md',
    ]);
    expect(await source.listFiles('.orkestra/schemas')).toEqual([]);
    expect(source.label).toBe(`commit ${source.commit.slice(0, 12)}`);
  });
});
