import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowConfigError, bootstrapOrkestra, loadWorkflow, loadWorkflowFrom, directorySource } from '../src/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'orkestra-load-'));
  await bootstrapOrkestra(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadWorkflow from a bootstrapped checkout, checking templates', () => {
  it('finds every default template', async () => {
    const workflow = await loadWorkflow(root, { checkFiles: true });
    expect(workflow.flows.map((f) => f.name)).toEqual(['default', 'large', 'subtask']);
  });

  it('reports a deleted template at the prompt key of the stage that names it', async () => {
    await rm(path.join(root, '.orkestra/agents/worker.md'));
    const error = (await loadWorkflowFrom(directorySource(root)).catch((e: unknown) => e)) as WorkflowConfigError;
    expect(error).toBeInstanceOf(WorkflowConfigError);
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`)).toEqual([
      '27:9 flows.default.stages[1].prompt stage `work`: prompt template `.orkestra/agents/worker.md` does not exist',
    ]);
  });
});
