import { describe, expect, it } from '@jest/globals';
import { UnknownFlowError, findFlow, parseWorkflow, resolveFlowBundle } from '../src/index.js';

const yaml = (lines: string[]): string => `${lines.join('\n')}\n`;

describe('findFlow and resolveFlowBundle given a workflow with nested subtask flows', () => {
  const workflow = parseWorkflow(
    yaml([
      'flows:',
      '  feature:',
      '    stages: [{ name: split, artifact: plan, capabilities: { subtasks: { flow: slice } } }]',
      '    integration: { on_failure: split }',
      '  slice:',
      '    stages: [{ name: split, artifact: plan, capabilities: { subtasks: { flow: leaf } } }]',
      '    integration: { on_failure: split }',
      '  leaf:',
      '    stages: [{ name: work, artifact: summary }]',
      '    integration: { on_failure: work }',
      '  loop:',
      '    stages: [{ name: again, artifact: more, capabilities: { subtasks: { flow: loop } } }]',
      '    integration: { on_failure: again }',
    ]),
  );

  it('returns the first flow when no name is given, and the named flow otherwise', () => {
    expect(findFlow(workflow).name).toBe('feature');
    expect(findFlow(workflow, 'leaf').name).toBe('leaf');
  });

  it('throws an UnknownFlowError listing the flows for an unknown name', () => {
    expect(() => findFlow(workflow, 'nope')).toThrow(UnknownFlowError);
    expect(() => findFlow(workflow, 'nope')).toThrow('unknown flow "nope" (flows: feature, slice, leaf, loop)');
  });

  it('bundles every flow reachable through subtasks, transitively', () => {
    const bundle = resolveFlowBundle(workflow, 'feature');
    expect(bundle.flow.name).toBe('feature');
    expect(Object.keys(bundle.subtaskFlows)).toEqual(['slice', 'leaf']);
    expect(bundle.subtaskFlows['leaf']).toBe(findFlow(workflow, 'leaf'));
  });

  it('bundles no subtask flows for a flow without subtasks', () => {
    expect(resolveFlowBundle(workflow, 'leaf').subtaskFlows).toEqual({});
  });

  it('includes the flow itself when its own stages name it', () => {
    expect(Object.keys(resolveFlowBundle(workflow, 'loop').subtaskFlows)).toEqual(['loop']);
  });
});
