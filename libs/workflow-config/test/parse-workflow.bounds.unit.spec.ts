import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowConfigError, parseWorkflow, templatesDir } from '../src/index.js';

const yaml = (lines: string[]): string => `${lines.join('\n')}\n`;

function errorOf(text: string, file?: string): WorkflowConfigError {
  try {
    parseWorkflow(text, file);
  } catch (error) {
    if (error instanceof WorkflowConfigError) return error;
    throw new Error(`expected a WorkflowConfigError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a WorkflowConfigError');
}

const lines = (error: WorkflowConfigError): string[] => error.issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`.replace('  ', ' '));

const DEFAULT_WORKFLOW = readFileSync(path.join(templatesDir(), 'workflow.yaml'), 'utf8');

/** Nine anchors, each a list of nine aliases of the one before: 9^9 leaves once expanded. */
function aliasBomb(): string {
  const out = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= 8; level += 1) out.push(`a${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(', ')}]`);
  out.push('flows: { default: { stages: *a8, integration: { on_failure: work } } }');
  return yaml(out);
}

describe('parseWorkflow given a YAML alias bomb', () => {
  it('throws a WorkflowConfigError at the alias that crosses the expansion limit, quickly', () => {
    const started = performance.now();
    const error = errorOf(aliasBomb(), '.orkestra/workflow.yaml');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    expect(issue).toMatchObject({ file: '.orkestra/workflow.yaml', line: 6 });
    expect(issue?.message).toMatch(/^YAML error: aliases expand to more than 100000 nodes/);
  });

  it('reports an alias without an anchor at the alias', () => {
    expect(lines(errorOf(yaml(['flows:', '  default: *nowhere'])))).toEqual([
      '2:12 YAML error: alias *nowhere has no anchor before it',
    ]);
  });

  it('reports an alias inside the very node it names', () => {
    expect(lines(errorOf(yaml(['flows: &loop', '  default: *loop'])))).toEqual([
      '2:12 YAML error: alias *loop is inside the node it names (a structure that contains itself)',
    ]);
  });

  it('still accepts an anchor used many times over', () => {
    const flows = Array.from({ length: 150 }, (_, i) => [`  f${i}:`, '    stages: [*work]', '    integration: { on_failure: work }']).flat();
    const text = yaml(['stage: &work { name: work, artifact: summary }', 'flows:', ...flows]);
    expect(parseWorkflow(text).flows).toHaveLength(150);
  });
});

describe('parseWorkflow given YAML syntax errors', () => {
  it('reports a tab used as indentation once, with what follows summed up rather than listed', () => {
    const broken = DEFAULT_WORKFLOW.split('\n');
    const at = broken.findIndex((line) => line.includes('- name: breakdown'));
    broken[at] = broken[at]!.replace(/^ {2}/, '\t');
    const error = errorOf(broken.join('\n'), '.orkestra/workflow.yaml');

    expect(error.issues[0]).toMatchObject({ line: at + 1, column: 1, message: 'YAML syntax error: Tabs are not allowed as indentation' });
    expect(error.message.split('\n')).toEqual([
      'Invalid workflow configuration (5 problems):',
      `.orkestra/workflow.yaml:${at + 1}:1 YAML syntax error: Tabs are not allowed as indentation`,
      `.orkestra/workflow.yaml:${at + 2}:19 YAML syntax error: Nested mappings are not allowed in compact mappings`,
      `.orkestra/workflow.yaml:${at + 3}:17 YAML syntax error: Nested mappings are not allowed in compact mappings`,
      '…and 2 more problems',
    ]);
  });

  it('says a file nested thousands deep is nested too deeply', () => {
    const issues = errorOf(`flows: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe('YAML syntax error: nested too deeply');
  });

  it('keeps a duplicate key a syntax error at the second key', () => {
    expect(lines(errorOf(yaml(['flows: {}', 'version: 1', 'flows: {}'])))).toEqual(['3:1 YAML syntax error: Map keys must be unique']);
  });

  it('parses a large flat map without slowing down on the duplicate-key check', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `note_${i}: x`);
    const started = performance.now();
    const workflow = parseWorkflow(yaml([...keys, 'flows: { default: { stages: [{ name: a, artifact: x }], integration: { on_failure: a } } }']));
    expect(workflow.flows).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('parseWorkflow given far too many problems', () => {
  it('lists the first 20 in file order and counts the rest', () => {
    const stages = Array.from({ length: 50 }, (_, i) => `      - { name: s${i}, artifact: o${i}, colour: red }`);
    const error = errorOf(yaml(['flows:', '  default:', '    stages:', ...stages, '    integration: { on_failure: s0 }']));
    expect(error.issues).toHaveLength(20);
    expect(error.issues[0]).toMatchObject({ line: 4, path: 'flows.default.stages[0].colour', message: 'is not a known key' });
    expect(error.issues[19]?.path).toBe('flows.default.stages[19].colour');
    expect(error.omitted).toBe(30);
    expect(error.message.split('\n')[0]).toBe('Invalid workflow configuration (50 problems):');
    expect(error.message.split('\n').at(-1)).toBe('…and 30 more problems');
    expect(error.toJSON()).toMatchObject({ code: 'WORKFLOW.INVALID', omitted: 30 });
  });

  it('shortens a huge key or value so one issue stays one line, keeping both ends of the key path', () => {
    const name = 'x'.repeat(100_000);
    const model = `gpt-${'9'.repeat(100_000)}`;
    // An explicit key (`? …`): YAML limits implicit keys to 1024 characters.
    const error = errorOf(yaml(['flows:', `  ? ${name}`, `  : { stages: [{ name: a, artifact: b, model: ${model} }], integration: { on_failure: a } }`]));
    expect(error.issues).toHaveLength(1);
    const [issue] = error.issues;
    expect(issue?.path.length).toBeLessThanOrEqual(100);
    expect(issue?.path).toMatch(/^flows\.x+…x+\.stages\[0\]\.model$/);
    expect(issue?.message.length).toBeLessThanOrEqual(200);
    expect(issue?.message).toMatch(/^unknown model alias "gpt-9+…$/);
  });

  it('stays under 8 KB in the worst case: many issues, each with a huge file label, key path and message', () => {
    const huge = (c: string): string => c.repeat(1_000_000);
    const issues = Array.from({ length: 500 }, (_, i) => ({ file: huge('f'), line: 9_999_990 + i, column: 9_999_999, path: huge('p'), message: huge('m') }));
    const error = new WorkflowConfigError([...issues, ...issues]);
    expect(error.issues).toHaveLength(20);
    expect(error.omitted).toBe(480);
    expect(Buffer.byteLength(error.message)).toBeLessThanOrEqual(8192);
  });

  it('keeps the error under 8 KB and answers in seconds for 5 MB of garbage', () => {
    let garbage = '';
    while (garbage.length < 5_000_000) garbage += `foo${garbage.length}: [bar: {\t"${'y'.repeat(300)}\n  - ]]: ::\n`;
    const started = performance.now();
    const error = errorOf(garbage);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(Buffer.byteLength(error.message)).toBeLessThanOrEqual(8192);
    expect(JSON.stringify(error.toJSON()).length).toBeLessThanOrEqual(16_384);
    expect(error.issues[0]?.message).toMatch(/^is \d\.\d MB; the limit is 1 MB/);
  });

  it('keeps the error under 8 KB for garbage just under the size limit', () => {
    let garbage = '';
    while (garbage.length < 200_000) garbage += `foo: [bar: {\t"${'z'.repeat(200)}\n  - ]]: ::\n`;
    const error = errorOf(garbage);
    expect(error.issues.length).toBeLessThanOrEqual(3);
    expect(error.issues[0]?.message).toMatch(/^YAML syntax error: /);
    expect(Buffer.byteLength(error.message)).toBeLessThanOrEqual(8192);
  });
});
