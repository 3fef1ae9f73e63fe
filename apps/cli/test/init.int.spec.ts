import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gitTreeSource } from '@orkestra/git';
import { directorySource, loadWorkflowFrom } from '@orkestra/workflow-config';
import { execa } from 'execa';
import { EXIT, runCli } from '../src/index.js';
import type { CliIo } from '../src/index.js';

// `ork init` against real git repositories in temporary directories.

const SCRIPTS = ['.orkestra/scripts/checks.sh', '.orkestra/scripts/setup.sh'];
const FILES = [
  '.orkestra/ORKESTRA.md',
  '.orkestra/README.md',
  '.orkestra/agents/breakdown.md',
  '.orkestra/agents/compound.md',
  '.orkestra/agents/planner.md',
  '.orkestra/agents/reviewer.md',
  '.orkestra/agents/worker.md',
  ...SCRIPTS,
  '.orkestra/workflow.yaml',
];

interface Captured extends CliIo {
  out(): string;
  err(): string;
}

function captureIo(cwd: string, tty = false): Captured {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty, columns: 120 });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, out: () => out, err: () => err };
}

/** Runs `ork <args>` in `cwd`; answers the exit code and what it printed. */
async function ork(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(cwd);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

interface InitJson {
  root: string;
  files: { path: string; owner: string; status: string; madeExecutable: boolean }[];
  counts: Record<string, number>;
  workflow: { ok: boolean; flows?: { name: string; stages: string[] }[]; problems?: string[] };
  uncommitted: boolean;
  remote: string | null;
  next: { command: string; why: string }[];
}

const initJson = async (cwd: string, ...args: string[]): Promise<InitJson> => {
  const result = await ork(cwd, '--json', 'init', ...args);
  expect(result).toMatchObject({ code: EXIT.ok, err: '' });
  return JSON.parse(result.out) as InitJson;
};

const statuses = (doc: InitJson): Record<string, string> => Object.fromEntries(doc.files.map((f) => [f.path, f.status]));

let dir: string;
let repo: string;
const git = async (...args: string[]): Promise<string> =>
  (await execa('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], { cwd: repo })).stdout;
const modeOf = async (file: string): Promise<number> => (await stat(path.join(repo, file))).mode & 0o777;
const read = (file: string): Promise<string> => readFile(path.join(repo, file), 'utf8');

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ork-init-'));
  repo = path.join(dir, 'shop');
  await mkdir(path.join(repo, 'src', 'deep'), { recursive: true });
  await git('init', '--quiet', '--initial-branch=main');
  await writeFile(path.join(repo, 'README.md'), '# shop\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ork init in a fresh repository', () => {
  it('given a sub-directory of a repository, when run, then .orkestra/ is written at its root with executable scripts and a workflow that loads clean', async () => {
    const result = await ork(path.join(repo, 'src', 'deep'), 'init');

    expect(result.code).toBe(EXIT.ok);
    expect(result.err).toBe('');
    expect(result.out).toContain(`Set up ${path.join(repo, '.orkestra')}: ${FILES.length} files created.`);
    for (const file of FILES) expect(result.out).toContain(`created    ${file}`);
    expect(result.out).toContain('default  planning → work → review');
    for (const script of SCRIPTS) expect(await modeOf(script)).toBe(0o755);
    for (const file of FILES.filter((f) => !SCRIPTS.includes(f))) expect((await modeOf(file)) & 0o111).toBe(0);
    await expect(stat(path.join(repo, 'src', 'deep', '.orkestra'))).rejects.toMatchObject({ code: 'ENOENT' });
    // No .gitignore: worktrees and logs live in the runner's data dir, artifacts are excluded per worktree.
    await expect(stat(path.join(repo, '.gitignore'))).rejects.toMatchObject({ code: 'ENOENT' });

    // Loaded the way the server does: every prompt the flows name must be there.
    const onDisk = await loadWorkflowFrom(directorySource(repo));
    expect(onDisk.flows.map((f) => [f.name, f.stages.map((s) => s.name)])).toEqual([
      ['default', ['planning', 'work', 'review']],
      ['large', ['planning', 'breakdown', 'work', 'review', 'compound']],
      ['subtask', ['work', 'review']],
    ]);

    // Committed as the next steps say, the scripts stay executable and the branch loads the same.
    await git('add', '.orkestra');
    await git('commit', '--quiet', '-m', 'Set up Orkestra');
    const tree = await git('ls-tree', '-r', 'HEAD', '--', '.orkestra/scripts');
    expect(tree.split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['100755', '100755']);
    const commit = await git('rev-parse', 'HEAD');
    expect(await loadWorkflowFrom(gitTreeSource(repo, commit))).toEqual(onDisk);
  });

  it('given --json, when run, then one document lists every file, the flows and the next steps', async () => {
    await git('remote', 'add', 'origin', 'git@example.com:acme/shop.git');

    const doc = await initJson(repo);

    expect(doc.root).toBe(repo);
    expect(doc.files.map((f) => f.path)).toEqual(FILES);
    expect(doc.counts).toEqual({ created: FILES.length, unchanged: 0, kept: 0, refreshed: 0 });
    expect(doc.files.filter((f) => f.owner === 'orkestra').map((f) => f.path)).toEqual(FILES.filter((f) => f.includes('/agents/') || f.endsWith('README.md')));
    expect(doc.workflow.flows?.[0]).toEqual({ name: 'default', stages: ['planning', 'work', 'review'] });
    expect(doc.uncommitted).toBe(true);
    expect(doc.remote).toBe('git@example.com:acme/shop.git');
    expect(doc.next.map((step) => step.command)).toEqual([
      'git add .orkestra && git commit -m "Set up Orkestra"',
      'git push',
      'ork project add git@example.com:acme/shop.git',
    ]);
  });

  it('given a terminal, when run, then the files are shown as a table', async () => {
    const io = captureIo(repo, true);
    expect(await runCli(['init'], io)).toBe(EXIT.ok);
    expect(io.out()).toMatch(/│ File\s+│ Result\s+│/);
    expect(io.out()).toMatch(/│ \.orkestra\/workflow\.yaml\s+│ .*created/);
  });
});

describe('ork init in a repository that has .orkestra/ already', () => {
  it('given a committed .orkestra/, when run again, then nothing changes and it says so', async () => {
    await ork(repo, 'init');
    await git('add', '.orkestra');
    await git('commit', '--quiet', '-m', 'Set up Orkestra');

    const again = await ork(repo, 'init');

    expect(again.code).toBe(EXIT.ok);
    expect(again.out).toContain('Nothing to do:');
    expect(again.out).toContain('already has every file, and none was changed');
    expect(again.out).not.toContain('git commit');
    expect(await git('status', '--porcelain', '--', '.orkestra')).toBe('');
    expect(Object.values(statuses(await initJson(repo))).every((s) => s === 'unchanged')).toBe(true);
  });

  it('given edited files of both kinds and a prompt the team added, when run and then forced, then only the edited template is refreshed, and it says which', async () => {
    await ork(repo, 'init');
    const bundledWorker = await read('.orkestra/agents/worker.md');
    const ourFlows = (await read('.orkestra/workflow.yaml')).replace('auto_merge: false               #', 'auto_merge: true                #');
    await writeFile(path.join(repo, '.orkestra/workflow.yaml'), ourFlows);
    await writeFile(path.join(repo, '.orkestra/agents/worker.md'), 'Our own worker prompt.\n');
    await writeFile(path.join(repo, '.orkestra/agents/tester.md'), 'A stage we added.\n');

    const plain = await ork(repo, 'init');
    expect(plain.code).toBe(EXIT.ok);
    expect(plain.out).toContain("kept       .orkestra/agents/worker.md  (differs from ork's template; --force replaces it)");
    expect(plain.out).toContain('kept       .orkestra/workflow.yaml  (yours: ork never overwrites it)');
    expect(plain.out).toContain("1 template differs from ork's current version and was kept; `ork init --force` replaces it.");
    expect(plain.out).not.toContain('tester.md');
    expect(await read('.orkestra/agents/worker.md')).toBe('Our own worker prompt.\n');

    const forced = await ork(repo, 'init', '--force');
    expect(forced.code).toBe(EXIT.ok);
    expect(forced.out).toContain('Updated');
    expect(forced.out).toContain("refreshed  .orkestra/agents/worker.md  (replaced by ork's template)");
    expect(forced.out).toContain("Replaced 1 template with ork's version; `git diff .orkestra` shows what changed");
    expect(forced.out).toContain('kept       .orkestra/workflow.yaml  (yours: ork never overwrites it)');
    expect(await read('.orkestra/agents/worker.md')).toBe(bundledWorker);
    expect(await read('.orkestra/workflow.yaml')).toBe(ourFlows);
    expect(await read('.orkestra/agents/tester.md')).toBe('A stage we added.\n');
  });

  it('given a script that lost its executable bit, when run, then the bit comes back and the content stays', async () => {
    await ork(repo, 'init');
    await writeFile(path.join(repo, '.orkestra/scripts/checks.sh'), '#!/bin/sh\nnpm test\n');
    await chmod(path.join(repo, '.orkestra/scripts/checks.sh'), 0o644);

    const result = await ork(repo, 'init');

    expect(result.out).toContain('made executable again');
    expect(await modeOf('.orkestra/scripts/checks.sh')).toBe(0o755);
    expect(await read('.orkestra/scripts/checks.sh')).toBe('#!/bin/sh\nnpm test\n');
  });

  it('given a kept workflow.yaml with a problem, when run, then it warns with the line and still exits 0', async () => {
    await mkdir(path.join(repo, '.orkestra'));
    await writeFile(path.join(repo, '.orkestra/workflow.yaml'), 'flows:\n  default:\n    stages:\n      - name: work\n        artifact: summary\n        prompt: builder.md\n    integration: { on_failure: work }\n');

    const result = await ork(repo, 'init');

    expect(result.code).toBe(EXIT.ok);
    expect(result.err).toContain('warning: .orkestra/workflow.yaml has a problem; the server will refuse new Traks until it is fixed:');
    expect(result.err).toContain('.orkestra/workflow.yaml:6:9 flows.default.stages[0].prompt stage `work`: prompt template `.orkestra/agents/builder.md` does not exist');
    expect((await initJson(repo)).workflow.ok).toBe(false);
  });
});

describe('ork init outside a repository', () => {
  it('given a directory that is not in a git repository, when run, then it says so, how to fix it, and exits with the usage code', async () => {
    const plain = path.join(dir, 'plain');
    await mkdir(plain);

    const result = await ork(plain, 'init');

    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toBe(`error: ${plain} is not in a git repository\nOrkestra works on git repositories: run \`git init\` there (or clone your repository), then \`ork init\` again.\n`);
    await expect(stat(path.join(plain, '.orkestra'))).rejects.toMatchObject({ code: 'ENOENT' });

    const json = await ork(plain, '--json', 'init');
    expect(json.code).toBe(EXIT.usage);
    expect(JSON.parse(json.out)).toMatchObject({ error: { exitCode: EXIT.usage, code: 'INIT.NOT_A_REPOSITORY', dir: plain } });
  });

  it('given a directory that does not exist, when run, then it names it and exits with the usage code', async () => {
    const result = await ork(repo, 'init', 'no/such/dir');
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain(`error: ${path.join(repo, 'no/such/dir')} does not exist`);
  });

  it('given the .git folder itself, when run, then it asks for a checkout', async () => {
    const result = await ork(path.join(repo, '.git'), 'init');
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain('is inside a .git folder or a bare repository, not a checkout');
  });
});
