import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowConfigError, bootstrapOrkestra, directorySource, loadWorkflow, loadWorkflowFrom, resolveFlowBundle, templatesDir } from '../src/index.js';
import type { BootstrapResult } from '../src/index.js';

const SCRIPTS = ['.orkestra/scripts/checks.sh', '.orkestra/scripts/setup.sh'];
const AGENTS = ['breakdown', 'compound', 'planner', 'reviewer', 'worker'].map((a) => `.orkestra/agents/${a}.md`);
const PROJECT_FILES = ['.orkestra/ORKESTRA.md', ...SCRIPTS, '.orkestra/workflow.yaml'];
const ALL_FILES = [...AGENTS, '.orkestra/README.md', ...PROJECT_FILES].sort();

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'orkestra-bootstrap-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const modeOf = async (relative: string): Promise<number> => (await stat(path.join(root, relative))).mode & 0o777;
const statusOf = (result: BootstrapResult, file: string): string | undefined => result.files.find((f) => f.path === file)?.status;
const withStatus = (result: BootstrapResult, status: string): string[] => result.files.filter((f) => f.status === status).map((f) => f.path);

describe('bootstrapOrkestra in an empty project', () => {
  it('given no .orkestra/, when bootstrapped, then every bundled file is created, scripts 0755 and the rest not executable', async () => {
    const result = await bootstrapOrkestra(root);

    expect(result.files.map((f) => f.path)).toEqual(ALL_FILES);
    expect(withStatus(result, 'created')).toEqual(ALL_FILES);
    for (const script of SCRIPTS) expect(await modeOf(script)).toBe(0o755);
    for (const file of ALL_FILES.filter((f) => !SCRIPTS.includes(f))) expect((await modeOf(file)) & 0o111).toBe(0);
    expect(await readFile(path.join(root, '.orkestra/ORKESTRA.md'), 'utf8')).toBe('');
  });

  it('given a fresh bootstrap, when its workflow is loaded with every referenced file checked, then it has the default, large and subtask flows', async () => {
    await bootstrapOrkestra(root);
    const workflow = await loadWorkflowFrom(directorySource(root));

    expect(workflow.flows.map((f) => f.name)).toEqual(['default', 'large', 'subtask']);
    const [defaultFlow, large, subtask] = workflow.flows;
    expect(defaultFlow?.stages.map((s) => [s.name, s.artifact, s.prompt, s.gate?.kind])).toEqual([
      ['planning', 'plan', 'planner.md', undefined],
      ['work', 'summary', 'worker.md', 'script'],
      ['review', 'verdict', 'reviewer.md', 'agent'],
    ]);
    expect(defaultFlow?.stages[1]?.gate).toEqual({ kind: 'script', command: '$ORKESTRA_PROJECT_ROOT/.orkestra/scripts/checks.sh', timeoutSeconds: 600 });
    expect(defaultFlow?.integration).toEqual({ onFailure: 'work', autoMerge: false });
    expect(large?.stages.map((s) => s.name)).toEqual(['planning', 'breakdown', 'work', 'review', 'compound']);
    expect(large?.stages[1]?.subtasks).toEqual({ flow: 'subtask' });
    expect(subtask?.stages).toEqual(defaultFlow?.stages.slice(1));
    expect(Object.keys(resolveFlowBundle(workflow, 'large').subtaskFlows)).toEqual(['subtask']);
    expect(resolveFlowBundle(workflow, 'default').subtaskFlows).toEqual({});
  });

  it('given the bundled tree, then only the prompts and the README are Orkestra-owned', async () => {
    const result = await bootstrapOrkestra(root);
    expect(result.files.filter((f) => f.owner === 'project').map((f) => f.path)).toEqual(PROJECT_FILES.sort());
    expect(templatesDir()).toMatch(/templates[/\\]orkestra[/\\]$/);
  });
});

describe('bootstrapOrkestra in a project that already has .orkestra/', () => {
  it('given an edited workflow.yaml, when bootstrapped, then it is kept byte for byte and only what is missing is added', async () => {
    const edited = '# ours\nflows:\n  only:\n    stages: [{ name: a, artifact: x }]\n    integration: { on_failure: a }\n';
    await mkdir(path.join(root, '.orkestra'), { recursive: true });
    await writeFile(path.join(root, '.orkestra/workflow.yaml'), edited);

    const result = await bootstrapOrkestra(root);

    expect(withStatus(result, 'kept')).toEqual(['.orkestra/workflow.yaml']);
    expect(withStatus(result, 'created')).toHaveLength(ALL_FILES.length - 1);
    expect(await readFile(path.join(root, '.orkestra/workflow.yaml'), 'utf8')).toBe(edited);
    expect((await loadWorkflow(root)).flows.map((f) => f.name)).toEqual(['only']);
  });

  it('given a complete .orkestra/, when bootstrapped again, then nothing changes but lost executable bits come back', async () => {
    await bootstrapOrkestra(root);
    await chmod(path.join(root, '.orkestra/scripts/checks.sh'), 0o644);
    await writeFile(path.join(root, '.orkestra/scripts/setup.sh'), '#!/bin/sh\necho mine\n');
    await chmod(path.join(root, '.orkestra/scripts/setup.sh'), 0o600);

    const result = await bootstrapOrkestra(root);

    expect(withStatus(result, 'created')).toEqual([]);
    expect(statusOf(result, '.orkestra/scripts/checks.sh')).toBe('unchanged');
    expect(statusOf(result, '.orkestra/scripts/setup.sh')).toBe('kept');
    expect(result.files.filter((f) => f.madeExecutable).map((f) => f.path)).toEqual(SCRIPTS);
    expect(await modeOf('.orkestra/scripts/checks.sh')).toBe(0o755);
    expect(await modeOf('.orkestra/scripts/setup.sh')).toBe(0o755);
    expect(await readFile(path.join(root, '.orkestra/scripts/setup.sh'), 'utf8')).toBe('#!/bin/sh\necho mine\n');
  });

  it('given edited files of both owners and a file the project added, when forced, then only the edited prompt is refreshed', async () => {
    await bootstrapOrkestra(root);
    const bundledWorker = await readFile(path.join(root, '.orkestra/agents/worker.md'), 'utf8');
    await writeFile(path.join(root, '.orkestra/agents/worker.md'), 'our own worker prompt\n');
    await writeFile(path.join(root, '.orkestra/agents/tester.md'), 'a stage we added\n');
    await writeFile(path.join(root, '.orkestra/scripts/checks.sh'), '#!/bin/sh\nnpm test\n');

    const kept = await bootstrapOrkestra(root);
    expect(withStatus(kept, 'kept')).toEqual(['.orkestra/agents/worker.md', '.orkestra/scripts/checks.sh']);
    expect(await readFile(path.join(root, '.orkestra/agents/worker.md'), 'utf8')).toBe('our own worker prompt\n');

    const forced = await bootstrapOrkestra(root, { force: true });
    expect(withStatus(forced, 'refreshed')).toEqual(['.orkestra/agents/worker.md']);
    expect(withStatus(forced, 'kept')).toEqual(['.orkestra/scripts/checks.sh']);
    expect(forced.files.map((f) => f.path)).not.toContain('.orkestra/agents/tester.md');
    expect(await readFile(path.join(root, '.orkestra/agents/worker.md'), 'utf8')).toBe(bundledWorker);
    expect(await readFile(path.join(root, '.orkestra/agents/tester.md'), 'utf8')).toBe('a stage we added\n');
    expect(await readFile(path.join(root, '.orkestra/scripts/checks.sh'), 'utf8')).toBe('#!/bin/sh\nnpm test\n');
  });

  it('given a checkout with CRLF line endings, when bootstrapped, then the files count as unchanged', async () => {
    await bootstrapOrkestra(root);
    const file = path.join(root, '.orkestra/agents/planner.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));
    expect(statusOf(await bootstrapOrkestra(root, { force: true }), '.orkestra/agents/planner.md')).toBe('unchanged');
  });
});

describe('loadWorkflow without a workflow file', () => {
  it('throws a WorkflowConfigError naming .orkestra/workflow.yaml', async () => {
    const error = await loadWorkflow(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowConfigError);
    const { issues, code } = error as WorkflowConfigError;
    expect(code).toBe('WORKFLOW.INVALID');
    expect(issues).toHaveLength(1);
    expect(issues[0]?.file).toBe('.orkestra/workflow.yaml');
    expect(issues[0]?.message).toContain(path.join(root, '.orkestra', 'workflow.yaml'));
  });
});

describe('loadWorkflow with an invalid workflow file', () => {
  it('labels each issue with .orkestra/workflow.yaml', async () => {
    await mkdir(path.join(root, '.orkestra'));
    await writeFile(path.join(root, '.orkestra/workflow.yaml'), 'flows:\n  a:\n    stages: [{ name: s, artifact: o, is_automated: true }]\n    integration: { on_failure: s }\n');
    const error = (await loadWorkflow(root).catch((e: unknown) => e)) as WorkflowConfigError;
    expect(error.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}`)).toEqual([
      '.orkestra/workflow.yaml:3:38 flows.a.stages[0].is_automated',
    ]);
  });
});
