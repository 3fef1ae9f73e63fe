import type { OutputContract } from '@orkestra/domain';
import { compactSchema, outputSchema, parseAgentOutput, toAgentOutput } from '../src/output/index.js';

const plan: OutputContract = { kind: 'artifact', artifact: 'plan', routeTo: [] };
const review: OutputContract = { kind: 'verdict', artifact: 'verdict', routeTo: ['work', 'plan'] };
const breakdown: OutputContract = { kind: 'subtasks', artifact: 'breakdown', routeTo: [] };

const ork = (value: unknown) => `Here you go.\n\n\`\`\`ork\n${JSON.stringify(value, null, 2)}\n\`\`\`\n`;
const parseText = (text: string, contract: OutputContract = plan) => parseAgentOutput({ text }, contract);

describe('outputSchema', () => {
  it('given an artifact stage, offers the artifact name and the terminal types as one flat object', () => {
    const schema = outputSchema(plan);
    expect(schema).toMatchObject({ type: 'object', required: ['type'], additionalProperties: false });
    expect(schema).not.toHaveProperty('oneOf');
    expect((schema['properties'] as Record<string, { enum?: string[] }>)['type']?.enum).toEqual(['plan', 'failed', 'blocked', 'questions']);
    expect(Object.keys(schema['properties'] as object).sort()).toEqual(['activity_log', 'content', 'error', 'questions', 'reason', 'resources', 'type']);
  });

  it('given a verdict stage, limits route_to to the stages the contract allows', () => {
    const props = outputSchema(review)['properties'] as Record<string, { enum?: string[] }>;
    expect(props['type']?.enum).toEqual(['approval', 'failed', 'blocked', 'questions']);
    expect(props['decision']?.enum).toEqual(['approve', 'reject']);
    expect(props['route_to']?.enum).toEqual(['work', 'plan']);
  });

  it('given a verdict stage with nowhere to route, leaves route_to out', () => {
    const props = outputSchema({ ...review, routeTo: [] })['properties'] as Record<string, unknown>;
    expect(props).not.toHaveProperty('route_to');
  });

  it('given a subtasks stage, describes the subtask list', () => {
    const props = outputSchema(breakdown)['properties'] as Record<string, { enum?: string[]; items?: { required?: string[] } }>;
    expect(props['type']?.enum).toEqual(['subtasks', 'failed', 'blocked', 'questions']);
    expect(props['subtasks']?.items?.required).toEqual(['title', 'description', 'detailed_instructions']);
  });

  it('when compacted, drops every description but keeps a property named "description"', () => {
    const compact = JSON.stringify(compactSchema(outputSchema(breakdown)));
    expect(compact).not.toMatch(/"description":"/);
    expect(compact).toContain('"description":{"type":"string"}');
  });
});

describe('parseAgentOutput', () => {
  describe('given a StructuredOutput result', () => {
    it('uses it over anything in the text', () => {
      const result = parseAgentOutput({ structured: { type: 'plan', content: '# Plan' }, text: ork({ type: 'failed', error: 'x' }) }, plan);
      expect(result).toEqual({ ok: true, output: { type: 'artifact', content: '# Plan' } });
    });

    it('unwraps the stream-json wrapper whose content is the JSON string', () => {
      const structured = { content: JSON.stringify({ type: 'blocked', reason: 'no access' }) };
      expect(parseAgentOutput({ structured, text: '' }, plan)).toEqual({ ok: true, output: { type: 'blocked', reason: 'no access' } });
    });

    it('accepts it as a JSON string', () => {
      expect(parseAgentOutput({ structured: '{"type":"failed","error":"nope"}', text: '' }, plan)).toEqual({
        ok: true,
        output: { type: 'failed', error: 'nope' },
      });
    });
  });

  describe('given text only', () => {
    it('takes exactly one ork block and maps snake_case fields to the domain', () => {
      const result = parseText(ork({ type: 'plan', content: '# Plan', activity_log: '- read code', resources: [{ name: 'doc', url: 'https://x' }] }));
      expect(result).toEqual({
        ok: true,
        output: { type: 'artifact', content: '# Plan', activityLog: '- read code', resources: [{ name: 'doc', url: 'https://x' }] },
      });
    });

    it('keeps content that itself holds code fences', () => {
      const content = '```ts\nconst a = 1;\n```\n\n```\nplain\n```';
      expect(parseText(ork({ type: 'plan', content }))).toEqual({ ok: true, output: { type: 'artifact', content } });
    });

    it('rejects two ork blocks as ambiguous', () => {
      const result = parseText(ork({ type: 'plan', content: 'a' }) + ork({ type: 'plan', content: 'b' }));
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('found 2 ```ork blocks') });
    });

    it('reports an ork block that is not JSON', () => {
      expect(parseText('```ork\n{"type": "plan",\n```')).toEqual({ ok: false, reason: expect.stringContaining('not valid JSON') });
    });

    it('falls back to one fenced json block after prose', () => {
      const text = 'Done.\n\n```json\n{"type":"plan","content":"# P"}\n```';
      expect(parseText(text)).toEqual({ ok: true, output: { type: 'artifact', content: '# P' } });
    });

    it('ignores fenced json that is not an answer (no "type")', () => {
      const text = 'Config:\n```json\n{"a":1}\n```\nAnswer:\n```json\n{"type":"plan","content":"# P"}\n```';
      expect(parseText(text)).toEqual({ ok: true, output: { type: 'artifact', content: '# P' } });
    });

    it('rejects two fenced json answers as ambiguous', () => {
      const block = '```json\n{"type":"plan","content":"# P"}\n```\n';
      expect(parseText(block + block)).toEqual({ ok: false, reason: expect.stringContaining('found 2 fenced JSON blocks') });
    });

    it('accepts a text that is nothing but the JSON object', () => {
      expect(parseText('  {"type":"failed","error":"e"}\n')).toEqual({ ok: true, output: { type: 'failed', error: 'e' } });
    });

    it('treats plain prose as malformed, never as an empty approval', () => {
      const result = parseText('Looks good to me, approved!', review);
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('no structured output') });
      expect(toAgentOutput(result)).toEqual({ type: 'malformed', error: expect.stringContaining('no structured output') });
    });

    it('reports empty output as such', () => {
      expect(parseText('   ')).toEqual({ ok: false, reason: 'the agent produced no output' });
    });
  });

  describe('given a verdict contract', () => {
    it('accepts an approval without a route', () => {
      expect(parseText(ork({ type: 'approval', decision: 'approve', content: 'LGTM' }), review)).toEqual({
        ok: true,
        output: { type: 'approval', decision: 'approve', content: 'LGTM' },
      });
    });

    it('accepts a rejection routed to an allowed stage', () => {
      expect(parseText(ork({ type: 'approval', decision: 'reject', content: 'fix X', route_to: 'plan' }), review)).toEqual({
        ok: true,
        output: { type: 'approval', decision: 'reject', content: 'fix X', routeTo: 'plan' },
      });
    });

    it('refuses a route to a stage the contract does not allow, naming the field', () => {
      const result = parseText(ork({ type: 'approval', decision: 'reject', content: 'x', route_to: 'compound' }), review);
      expect(result).toEqual({ ok: false, reason: 'route_to: must be one of: work, plan' });
    });

    it('refuses an unknown decision and an empty content', () => {
      const result = parseText(ork({ type: 'approval', decision: 'maybe', content: ' ' }), review);
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('decision: must be "approve" or "reject"') });
      expect(result.ok ? '' : result.reason).toContain('content: must not be empty');
    });

    it('refuses the artifact type of another contract', () => {
      expect(parseText(ork({ type: 'plan', content: 'x' }), review)).toEqual({
        ok: false,
        reason: 'type: "plan" is not allowed here; use one of: "approval", "failed", "blocked", "questions"',
      });
    });
  });

  describe('given a subtasks contract', () => {
    const subtask = (extra: object = {}) => ({ title: 'A', description: 'Do A.', detailed_instructions: 'All of A.', ...extra });

    it('maps the subtasks, defaulting depends_on to none', () => {
      const result = parseText(ork({ type: 'subtasks', content: '# Design', subtasks: [subtask(), subtask({ title: 'B', depends_on: [0] })] }), breakdown);
      expect(result).toEqual({
        ok: true,
        output: {
          type: 'subtasks',
          content: '# Design',
          subtasks: [
            { title: 'A', description: 'Do A.', detailedInstructions: 'All of A.', dependsOn: [] },
            { title: 'B', description: 'Do A.', detailedInstructions: 'All of A.', dependsOn: [0] },
          ],
        },
      });
    });

    it('names the missing field of the subtask', () => {
      const result = parseText(ork({ type: 'subtasks', content: 'd', subtasks: [subtask(), { title: 'B', description: 'b' }] }), breakdown);
      expect(result).toEqual({ ok: false, reason: 'subtasks[1].detailed_instructions: is required' });
    });

    it('refuses an empty list, dangling and cyclic dependencies', () => {
      expect(parseText(ork({ type: 'subtasks', content: 'd', subtasks: [] }), breakdown)).toEqual({
        ok: false,
        reason: 'subtasks: must hold at least one subtask',
      });
      expect(parseText(ork({ type: 'subtasks', content: 'd', subtasks: [subtask({ depends_on: [3] })] }), breakdown)).toEqual({
        ok: false,
        reason: 'subtasks[0].depends_on[0]: points to subtask 3, which does not exist',
      });
      const cyclic = [subtask({ depends_on: [1] }), subtask({ depends_on: [0] })];
      expect(parseText(ork({ type: 'subtasks', content: 'd', subtasks: cyclic }), breakdown)).toEqual({
        ok: false,
        reason: 'subtasks: dependencies form a cycle: 0 → 1 → 0',
      });
    });
  });

  describe('given questions, failures and unknown fields', () => {
    it('maps questions with their options', () => {
      const value = { type: 'questions', questions: [{ question: 'Which DB?', options: [{ label: 'Postgres' }, { label: 'SQLite', description: 'local' }] }] };
      expect(parseText(ork(value))).toEqual({
        ok: true,
        output: { type: 'questions', questions: [{ question: 'Which DB?', options: [{ label: 'Postgres' }, { label: 'SQLite', description: 'local' }] }] },
      });
    });

    it('refuses a question without options', () => {
      expect(parseText(ork({ type: 'questions', questions: [{ question: 'Q?', options: [] }] }))).toEqual({
        ok: false,
        reason: 'questions[0].options: must offer at least one option',
      });
    });

    it('requires the error of a failure and the reason of a block', () => {
      expect(parseText(ork({ type: 'failed' }))).toEqual({ ok: false, reason: 'error: is required' });
      expect(parseText(ork({ type: 'blocked', reason: '' }))).toEqual({ ok: false, reason: 'reason: must not be empty' });
    });

    it('refuses a field the schema does not know, naming it', () => {
      expect(parseText(ork({ type: 'plan', content: 'x', summary: 'y' }))).toEqual({ ok: false, reason: '"summary" is not a known field' });
    });

    it('refuses a JSON value that is not an object with a type', () => {
      expect(parseAgentOutput({ structured: [1, 2], text: '' }, plan)).toEqual({
        ok: false,
        reason: 'the answer must be a JSON object with a string "type"',
      });
    });
  });
});
