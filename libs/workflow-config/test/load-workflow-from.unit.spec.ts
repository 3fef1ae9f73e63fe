import { describe, expect, it } from '@jest/globals';
import { WorkflowConfigError, loadWorkflowFrom } from '../src/index.js';
import type { WorkflowSource } from '../src/index.js';

const WORKFLOW = [
  'flows:',
  '  default:',
  '    stages:',
  '      - { name: work, artifact: summary, prompt: worker.md }',
  '      - { name: review, artifact: verdict, gate: true }',
  '    integration: { on_failure: work }',
  '',
].join('\n');

/** Files by project-relative path; records what was read, so a spec can tell an oversized file stayed unread. */
function memorySource(files: Record<string, string>, sizes: Record<string, number> = {}): WorkflowSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    label: 'main at 1a2b3c4d5e6f',
    reads,
    fileSize: async (file) => sizes[file] ?? (file in files ? Buffer.byteLength(files[file]!) : undefined),
    readFile: async (file) => {
      reads.push(file);
      return files[file];
    },
    listFiles: async (dir) => Object.keys(files).filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1)).filter((f) => !f.includes('/')),
  };
}

const errorOf = (promise: Promise<unknown>): Promise<WorkflowConfigError> =>
  promise.then(
    () => {
      throw new Error('expected a WorkflowConfigError');
    },
    (error: unknown) => {
      if (!(error instanceof WorkflowConfigError)) throw error;
      return error;
    },
  );

describe('loadWorkflowFrom a source holding .orkestra/', () => {
  it('returns the definition when the workflow and every template it names are there', async () => {
    const source = memorySource({ '.orkestra/workflow.yaml': WORKFLOW, '.orkestra/agents/worker.md': 'w', '.orkestra/agents/review.md': 'r' });
    const workflow = await loadWorkflowFrom(source);
    expect(workflow.flows[0]?.stages.map((s) => s.prompt)).toEqual(['worker.md', 'review.md']);
  });

  it('reports a template missing from .orkestra/agents/ with the workflow line of the stage', async () => {
    const error = await errorOf(loadWorkflowFrom(memorySource({ '.orkestra/workflow.yaml': WORKFLOW, '.orkestra/agents/worker.md': 'w' })));
    expect(error.issues).toEqual([
      {
        file: '.orkestra/workflow.yaml',
        line: 5,
        column: 9,
        path: 'flows.default.stages[1]',
        message: 'stage `review`: prompt template `.orkestra/agents/review.md` does not exist (the default for a stage without `prompt`)',
      },
    ]);
  });

  it('leaves templates unchecked when asked to', async () => {
    const workflow = await loadWorkflowFrom(memorySource({ '.orkestra/workflow.yaml': WORKFLOW }), { checkFiles: false });
    expect(workflow.flows).toHaveLength(1);
  });
});

describe('loadWorkflowFrom a source without a usable workflow.yaml', () => {
  it('says the file does not exist at the source and how to fix it', async () => {
    const error = await errorOf(loadWorkflowFrom(memorySource({ 'README.md': 'hello' })));
    expect(error.issues).toEqual([
      {
        file: '.orkestra/workflow.yaml',
        line: 0,
        column: 0,
        path: '',
        message: 'does not exist at main at 1a2b3c4d5e6f; run `ork init` in a checkout of the project, then commit and push `.orkestra/`',
      },
    ]);
  });

  it('refuses a workflow.yaml over 1 MB without reading it', async () => {
    const source = memorySource({ '.orkestra/workflow.yaml': WORKFLOW }, { '.orkestra/workflow.yaml': 3 * 1024 * 1024 });
    const error = await errorOf(loadWorkflowFrom(source));
    expect(error.issues[0]?.message).toBe('is 3 MB; the limit is 1 MB (at main at 1a2b3c4d5e6f)');
    expect(source.reads).toEqual([]);
  });
});
