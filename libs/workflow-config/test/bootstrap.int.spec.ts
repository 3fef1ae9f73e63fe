import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowConfigError, bootstrapOrkestra, loadWorkflow, resolveFlowBundle } from '../src/index.js';

const SCRIPTS = ['checks.sh', 'run.sh', 'worktree_cleanup.sh', 'worktree_setup.sh'].map((s) => `.orkestra/scripts/${s}`);
const AGENTS = ['breakdown', 'compound', 'planner', 'reviewer', 'vibe', 'worker'].map((a) => `.orkestra/agents/${a}.md`);
const ALL_FILES = [...AGENTS, '.orkestra/ORKESTRA.md', '.orkestra/README.md', ...SCRIPTS, '.orkestra/workflow.yaml'].sort();

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'orkestra-bootstrap-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const modeOf = async (relative: string): Promise<number> => (await stat(path.join(root, relative))).mode & 0o777;

describe('bootstrapOrkestra in an empty project', () => {
  it('creates every default file and the runtime folders', async () => {
    const result = await bootstrapOrkestra(root);
    expect([...result.created].sort()).toEqual(ALL_FILES);
    expect(result.kept).toEqual([]);
    for (const dir of ['.database', '.logs', 'agents', 'scripts']) {
      expect((await stat(path.join(root, '.orkestra', dir))).isDirectory()).toBe(true);
    }
    expect(await readFile(path.join(root, '.orkestra/ORKESTRA.md'), 'utf8')).toBe('');
  });

  it('makes every script executable (0755)', async () => {
    await bootstrapOrkestra(root);
    for (const script of SCRIPTS) expect(await modeOf(script)).toBe(0o755);
  });

  it('writes a workflow.yaml that loadWorkflow accepts as the default and subtask flows', async () => {
    await bootstrapOrkestra(root);
    const workflow = await loadWorkflow(root);
    expect(workflow.flows.map((f) => f.name)).toEqual(['default', 'subtask']);
    const [defaultFlow, subtaskFlow] = workflow.flows;
    expect(defaultFlow?.stages.map((s) => [s.name, s.artifact, s.prompt])).toEqual([
      ['planning', 'plan', 'planner.md'],
      ['breakdown', 'breakdown', 'breakdown.md'],
      ['work', 'summary', 'worker.md'],
      ['review', 'verdict', 'reviewer.md'],
      ['compound', 'learnings', 'compound.md'],
    ]);
    expect(defaultFlow?.stages[2]?.gate).toEqual({
      kind: 'script',
      command: '$ORKESTRA_PROJECT_ROOT/.orkestra/scripts/checks.sh',
      timeoutSeconds: 600,
    });
    expect(defaultFlow?.stages[3]?.gate).toEqual({ kind: 'agent' });
    expect(defaultFlow?.integration).toEqual({ onFailure: 'work', autoMerge: false });
    expect(subtaskFlow?.stages).toEqual(defaultFlow?.stages.slice(2, 4));
    expect(Object.keys(resolveFlowBundle(workflow, 'default').subtaskFlows)).toEqual(['subtask']);
  });
});

describe('bootstrapOrkestra in a project that already has .orkestra/', () => {
  it('keeps an edited workflow.yaml byte for byte and only adds what is missing', async () => {
    const edited = '# ours\nflows:\n  only:\n    stages: [{ name: a, artifact: x }]\n    integration: { on_failure: a }\n';
    await mkdir(path.join(root, '.orkestra'), { recursive: true });
    await writeFile(path.join(root, '.orkestra/workflow.yaml'), edited);

    const result = await bootstrapOrkestra(root);

    expect(result.kept).toEqual(['.orkestra/workflow.yaml']);
    expect(result.created).toHaveLength(ALL_FILES.length - 1);
    expect(await readFile(path.join(root, '.orkestra/workflow.yaml'), 'utf8')).toBe(edited);
    expect((await loadWorkflow(root)).flows.map((f) => f.name)).toEqual(['only']);
  });

  it('creates nothing on a second run and re-applies the executable bit', async () => {
    await bootstrapOrkestra(root);
    await chmod(path.join(root, '.orkestra/scripts/checks.sh'), 0o644);
    await writeFile(path.join(root, '.orkestra/scripts/run.sh'), '#!/bin/sh\necho mine\n', { mode: 0o600 });

    const result = await bootstrapOrkestra(root);

    expect(result.created).toEqual([]);
    expect([...result.kept].sort()).toEqual(ALL_FILES);
    expect(await modeOf('.orkestra/scripts/checks.sh')).toBe(0o755);
    expect(await modeOf('.orkestra/scripts/run.sh')).toBe(0o755);
    expect(await readFile(path.join(root, '.orkestra/scripts/run.sh'), 'utf8')).toBe('#!/bin/sh\necho mine\n');
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
