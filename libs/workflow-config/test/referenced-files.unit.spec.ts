import { describe, expect, it } from '@jest/globals';
import { WorkflowConfigError, parseWorkflow } from '../src/index.js';

const yaml = (lines: string[]): string => `${lines.join('\n')}\n`;

const WORKFLOW = yaml([
  'flows:', // 1
  '  default:', // 2
  '    stages:', // 3
  '      - name: planning', // 4
  '        artifact: plan', // 5
  '        prompt: planner.md', // 6
  '      - &work', // 7
  '        name: work', // 8
  '        artifact: summary', // 9
  '        prompt: worker.md', // 10
  '        schema_file: summary.json', // 11
  '      - name: review', // 12
  '        artifact: verdict', // 13
  '    integration: { on_failure: work }', // 14
  '  subtask:', // 15
  '    stages: [*work]', // 16
  '    integration: { on_failure: work }', // 17
]);

function issuesOf(text: string, files: { agents: string[]; schemas: string[] }): string[] {
  try {
    parseWorkflow(text, '.orkestra/workflow.yaml', { files });
  } catch (error) {
    if (!(error instanceof WorkflowConfigError)) throw error;
    return error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
  }
  throw new Error('expected a WorkflowConfigError');
}

describe('parseWorkflow given the files of .orkestra/', () => {
  it('accepts a workflow whose every prompt template and schema file exists', () => {
    const workflow = parseWorkflow(WORKFLOW, '.orkestra/workflow.yaml', {
      files: { agents: ['planner.md', 'worker.md', 'review.md', 'notes.txt'], schemas: ['summary.json'] },
    });
    expect(workflow.flows.map((f) => f.stages.map((s) => s.prompt))).toEqual([['planner.md', 'worker.md', 'review.md'], ['worker.md']]);
  });

  it('reports a missing template at the prompt key, once for a stage shared through an alias', () => {
    expect(issuesOf(WORKFLOW, { agents: ['planner.md', 'review.md'], schemas: ['summary.json'] })).toEqual([
      '10:9 flows.default.stages[1].prompt stage `work`: prompt template `.orkestra/agents/worker.md` does not exist',
    ]);
  });

  it('reports a missing default template (<name>.md) at the stage', () => {
    expect(issuesOf(WORKFLOW, { agents: ['planner.md', 'worker.md'], schemas: ['summary.json'] })).toEqual([
      '12:9 flows.default.stages[2] stage `review`: prompt template `.orkestra/agents/review.md` does not exist (the default for a stage without `prompt`)',
    ]);
  });

  it('reports a missing schema file at schema_file, looked up in .orkestra/schemas/', () => {
    expect(issuesOf(WORKFLOW, { agents: ['planner.md', 'worker.md', 'review.md', 'summary.json'], schemas: [] })).toEqual([
      '11:9 flows.default.stages[1].schema_file stage `work`: schema file `.orkestra/schemas/summary.json` does not exist',
    ]);
  });

  it('reports missing files together with the schema problems, and leaves names the schema rejects to it', () => {
    const text = yaml(['flows:', '  default:', '    stages:', '      - { name: a, artifact: x, prompt: ../a.md, colour: red }', '      - { name: b, artifact: y }', '    integration: { on_failure: a }']);
    expect(issuesOf(text, { agents: [], schemas: [] })).toEqual([
      '4:33 flows.default.stages[0].prompt must be a plain file name (no "/", "\\" or "..")',
      '4:50 flows.default.stages[0].colour is not a known key',
      '5:9 flows.default.stages[1] stage `b`: prompt template `.orkestra/agents/b.md` does not exist (the default for a stage without `prompt`)',
    ]);
  });

  it('checks no files when none are given', () => {
    expect(parseWorkflow(WORKFLOW).flows).toHaveLength(2);
  });
});
