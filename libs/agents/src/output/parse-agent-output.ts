import type { AgentOutput, OutputContract } from '@orkestra/domain';
import { z } from 'zod';
import { extractJson, parseJson } from './extract-json.js';
import { allowedOutputTypes } from './output-schema.js';

export interface RawAgentAnswer {
  /** The StructuredOutput the CLI enforced (`structured_output`), if it reported one. */
  readonly structured?: unknown;
  /** The assistant's text, searched for a fenced block when there is no structured output. */
  readonly text: string;
}

export type ParsedAgentOutput = { readonly ok: true; readonly output: AgentOutput } | { readonly ok: false; readonly reason: string };

/**
 * Turns what an agent answered into an {@link AgentOutput} the contract allows (ORKESTRA-SPEC
 * §4.5–4.6). The StructuredOutput wins; otherwise exactly one ```ork block, else one fenced JSON
 * block. Prose without a block is not an answer: it fails, so it can never pass as an empty approval.
 */
export function parseAgentOutput(answer: RawAgentAnswer, contract: OutputContract): ParsedAgentOutput {
  const found = locate(answer);
  if (!found.ok) return found;
  return validate(found.value, contract);
}

/** `malformed` for a failed parse, so callers can hand the result straight to the domain. */
export const toAgentOutput = (parsed: ParsedAgentOutput): AgentOutput =>
  parsed.ok ? parsed.output : { type: 'malformed', error: parsed.reason };

function locate(answer: RawAgentAnswer): { ok: true; value: unknown } | { ok: false; reason: string } {
  const structured = unwrapStructured(answer.structured);
  if (structured !== undefined) return { ok: true, value: structured };

  const extraction = extractJson(answer.text);
  switch (extraction.kind) {
    case 'found':
      return { ok: true, value: extraction.value };
    case 'invalid':
      return { ok: false, reason: extraction.reason };
    case 'none':
      return {
        ok: false,
        reason:
          answer.text.trim() === ''
            ? 'the agent produced no output'
            : 'no structured output: expected exactly one ```ork block holding a JSON object with a "type"',
      };
  }
}

/**
 * The structured value, unwrapped from the shapes CLIs deliver it in: the object itself, a JSON
 * string, or (Claude's stream-json StructuredOutput wrapper) `{ content: "<json>" }` without a `type`.
 */
function unwrapStructured(structured: unknown): unknown {
  if (structured === undefined || structured === null) return undefined;
  if (typeof structured === 'string') {
    const parsed = parseJson(stripOuterFence(structured));
    return parsed.ok ? parsed.value : structured;
  }
  if (typeof structured === 'object' && !Array.isArray(structured)) {
    const record = structured as Record<string, unknown>;
    if (record['type'] === undefined && typeof record['content'] === 'string') {
      const inner = parseJson(record['content']);
      if (inner.ok && typeof inner.value === 'object' && inner.value !== null) return inner.value;
    }
  }
  return structured;
}

const stripOuterFence = (text: string): string => {
  const match = /^\s*```[a-z]*\s*\n([\s\S]*)\n\s*```\s*$/i.exec(text);
  return match?.[1] ?? text;
};

// ---------------------------------------------------------------------------------- validation

const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).refine((s) => s.trim() !== '', {
    error: 'must not be empty',
  });

const baseExtras = {
  activity_log: z.string({ error: 'must be a string' }).optional(),
  resources: z
    .array(z.strictObject({ name: text(), url: z.string().optional(), description: z.string().optional() }), {
      error: 'must be an array of {name, url?, description?}',
    })
    .optional(),
  // Fields of other variants are allowed by the flat schema and ignored.
  content: z.unknown().optional(),
  error: z.unknown().optional(),
  reason: z.unknown().optional(),
  questions: z.unknown().optional(),
};

const questions = z
  .array(
    z.strictObject({
      question: text(),
      context: z.string().optional(),
      options: z
        .array(z.strictObject({ label: text(), description: z.string().optional() }), { error: 'must be an array' })
        .min(1, 'must offer at least one option'),
    }),
    { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array') },
  )
  .min(1, 'must hold at least one question');

const subtasks = z
  .array(
    z.strictObject({
      title: text(),
      description: text(),
      detailed_instructions: text(),
      depends_on: z.array(z.number().int('must be whole numbers').min(0, 'must be indices ≥ 0')).optional(),
    }),
    { error: (issue) => (issue.input === undefined ? 'is required' : 'must be an array') },
  )
  .min(1, 'must hold at least one subtask')
  .superRefine((list, ctx) => {
    list.forEach((subtask, i) => {
      (subtask.depends_on ?? []).forEach((dep, j) => {
        if (dep >= list.length) ctx.addIssue({ code: 'custom', path: [i, 'depends_on', j], message: `points to subtask ${dep}, which does not exist` });
        else if (dep === i) ctx.addIssue({ code: 'custom', path: [i, 'depends_on', j], message: 'a subtask cannot depend on itself' });
      });
    });
    const cycle = findCycle(list.map((s) => (s.depends_on ?? []).filter((d) => d < list.length && d >= 0)));
    if (cycle) ctx.addIssue({ code: 'custom', message: `dependencies form a cycle: ${cycle.join(' → ')}` });
  });

const variants = (contract: OutputContract) => {
  // The flat schema (§4.6) allows every field of the contract on every type; the ones a type does
  // not use are ignored.
  const extras = {
    ...baseExtras,
    ...(contract.kind === 'subtasks' ? { subtasks: z.unknown().optional() } : {}),
    ...(contract.kind === 'verdict' ? { decision: z.unknown().optional(), route_to: z.unknown().optional() } : {}),
  };
  const route = z
    .string({ error: 'must be a string' })
    .refine((stage) => contract.routeTo.includes(stage), {
      error: contract.routeTo.length === 0 ? 'is not allowed: this verdict cannot route a rejection' : `must be one of: ${contract.routeTo.join(', ')}`,
    });
  return {
    artifact: z.strictObject({ ...extras, type: z.string(), content: text() }),
    questions: z.strictObject({ ...extras, type: z.literal('questions'), questions }),
    subtasks: z.strictObject({ ...extras, type: z.literal('subtasks'), content: text(), subtasks }),
    approval: z.strictObject({
      ...extras,
      type: z.literal('approval'),
      decision: z.enum(['approve', 'reject'], { error: 'must be "approve" or "reject"' }),
      content: text(),
      route_to: route.optional(),
    }),
    failed: z.strictObject({ ...extras, type: z.literal('failed'), error: text() }),
    blocked: z.strictObject({ ...extras, type: z.literal('blocked'), reason: text() }),
  };
};

const shape = z.looseObject({ type: z.string() });

function validate(value: unknown, contract: OutputContract): ParsedAgentOutput {
  const head = shape.safeParse(value);
  if (!head.success) return { ok: false, reason: 'the answer must be a JSON object with a string "type"' };
  const allowed = allowedOutputTypes(contract);
  const type = head.data.type;
  if (!allowed.includes(type)) {
    return { ok: false, reason: `type: "${type}" is not allowed here; use one of: ${allowed.map((t) => `"${t}"`).join(', ')}` };
  }

  const schemas = variants(contract);
  const extrasOf = (data: { activity_log?: string | undefined; resources?: ReadonlyArray<{ name: string; url?: string | undefined; description?: string | undefined }> | undefined }) => ({
    ...(data.activity_log !== undefined ? { activityLog: data.activity_log } : {}),
    ...(data.resources !== undefined ? { resources: data.resources.map(compact) } : {}),
  });

  switch (type) {
    case 'questions': {
      const r = schemas.questions.safeParse(value);
      if (!r.success) return fail(r.error);
      return ok({ type: 'questions', questions: r.data.questions.map((q) => ({ ...compact(q), options: q.options.map(compact) })), ...extrasOf(r.data) });
    }
    case 'failed': {
      const r = schemas.failed.safeParse(value);
      return r.success ? ok({ type: 'failed', error: r.data.error }) : fail(r.error);
    }
    case 'blocked': {
      const r = schemas.blocked.safeParse(value);
      return r.success ? ok({ type: 'blocked', reason: r.data.reason }) : fail(r.error);
    }
    case 'subtasks': {
      const r = schemas.subtasks.safeParse(value);
      if (!r.success) return fail(r.error);
      return ok({
        type: 'subtasks',
        content: r.data.content,
        subtasks: r.data.subtasks.map((s) => ({
          title: s.title,
          description: s.description,
          detailedInstructions: s.detailed_instructions,
          dependsOn: s.depends_on ?? [],
        })),
        ...extrasOf(r.data),
      });
    }
    case 'approval': {
      const r = schemas.approval.safeParse(value);
      if (!r.success) return fail(r.error);
      const { decision, content, route_to } = r.data;
      // A route only means something on a rejection; on an approval it is dropped.
      const routeTo = decision === 'reject' && route_to !== undefined ? { routeTo: route_to } : {};
      return ok({ type: 'approval', decision, content, ...routeTo, ...extrasOf(r.data) });
    }
    default: {
      // The contract's artifact name (allowed types are checked above).
      const r = schemas.artifact.safeParse(value);
      return r.success ? ok({ type: 'artifact', content: r.data.content, ...extrasOf(r.data) }) : fail(r.error);
    }
  }
}

const ok = (output: AgentOutput): ParsedAgentOutput => ({ ok: true, output });

function fail(error: z.ZodError): ParsedAgentOutput {
  const reasons = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = formatPath(issue.path);
      return `${issue.keys.map((k) => `"${k}"`).join(', ')} ${issue.keys.length === 1 ? 'is' : 'are'} not a known field${where ? ` of ${where}` : ''}`;
    }
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  return { ok: false, reason: reasons.join('; ') };
}

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');

/** Drops keys whose value is undefined, so optional fields stay absent rather than `undefined`. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function findCycle(edges: readonly (readonly number[])[]): number[] | undefined {
  const state = new Array<0 | 1 | 2>(edges.length).fill(0);
  const stack: number[] = [];
  const visit = (node: number): number[] | undefined => {
    state[node] = 1;
    stack.push(node);
    for (const next of edges[node] ?? []) {
      if (next === node) continue; // reported on its own
      if (state[next] === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (state[next] === 0) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state[node] = 2;
    return undefined;
  };
  for (let node = 0; node < edges.length; node++) {
    if (state[node] === 0) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}
