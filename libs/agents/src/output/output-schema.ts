import type { OutputContract } from '@orkestra/domain';

/** A JSON Schema document, as plain data. */
export type JsonSchema = { readonly [key: string]: unknown };

/** The `type` values a run may answer with under `contract` (ORKESTRA-SPEC §4.6). */
export function allowedOutputTypes(contract: OutputContract): readonly string[] {
  switch (contract.kind) {
    case 'artifact':
      return [contract.artifact, 'failed', 'blocked', 'questions'];
    case 'subtasks':
      return ['subtasks', 'failed', 'blocked', 'questions'];
    case 'verdict':
      return ['approval', 'failed', 'blocked', 'questions'];
  }
}

const str = (description: string): JsonSchema => ({ type: 'string', description });

const questionsProperty: JsonSchema = {
  type: 'array',
  description: 'With type "questions": what you need answered before you can go on (at least one).',
  minItems: 1,
  items: {
    type: 'object',
    properties: {
      question: str('The question.'),
      context: str('Why you ask, and what depends on the answer.'),
      options: {
        type: 'array',
        description: 'Suggested answers (at least one).',
        minItems: 1,
        items: {
          type: 'object',
          properties: { label: str('A short answer.'), description: str('What choosing it means.') },
          required: ['label'],
          additionalProperties: false,
        },
      },
    },
    required: ['question', 'options'],
    additionalProperties: false,
  },
};

const resourcesProperty: JsonSchema = {
  type: 'array',
  description: 'Links or notes worth keeping with the Trak.',
  items: {
    type: 'object',
    properties: { name: str('Name of the resource.'), url: str('Where it lives.'), description: str('What it is for.') },
    required: ['name'],
    additionalProperties: false,
  },
};

const subtasksProperty: JsonSchema = {
  type: 'array',
  description: 'With type "subtasks": the Subtraks to create (at least one).',
  minItems: 1,
  items: {
    type: 'object',
    properties: {
      title: str('Short title of the Subtrak.'),
      description: str('One or two sentences.'),
      detailed_instructions: str('A self-contained brief: summary, files, patterns, interfaces with siblings, acceptance criteria and tests.'),
      depends_on: {
        type: 'array',
        description: '0-based indices of Subtraks in this list that must finish first.',
        items: { type: 'integer', minimum: 0 },
      },
    },
    required: ['title', 'description', 'detailed_instructions'],
    additionalProperties: false,
  },
};

/**
 * The JSON Schema for `claude --json-schema`: one flat object with a per-stage `type` enum and no
 * top-level `oneOf` (§4.6). Which fields each `type` needs is checked by {@link parseAgentOutput},
 * not here. A verdict's `route_to` lists only the stages the contract allows (not every stage, §9 15).
 */
export function outputSchema(contract: OutputContract): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    type: { type: 'string', enum: [...allowedOutputTypes(contract)], description: typeDescription(contract) },
    content: str(contentDescription(contract)),
    activity_log: str('A few bullets on what you did, for the agents of later stages.'),
    error: str('With type "failed": why the work cannot be done.'),
    reason: str('With type "blocked": what blocks you, and what would unblock you.'),
    questions: questionsProperty,
    resources: resourcesProperty,
  };
  if (contract.kind === 'subtasks') properties['subtasks'] = subtasksProperty;
  if (contract.kind === 'verdict') {
    properties['decision'] = { type: 'string', enum: ['approve', 'reject'], description: 'With type "approval": your verdict.' };
    if (contract.routeTo.length > 0) {
      properties['route_to'] = {
        type: 'string',
        enum: [...contract.routeTo],
        description: 'With decision "reject": the stage that must rework (default: the one before this).',
      };
    }
  }
  return { type: 'object', properties, required: ['type'], additionalProperties: false };
}

function typeDescription(contract: OutputContract): string {
  switch (contract.kind) {
    case 'artifact':
      return `"${contract.artifact}" to deliver your artifact; "questions", "blocked" or "failed" otherwise.`;
    case 'subtasks':
      return '"subtasks" to deliver the breakdown; "questions", "blocked" or "failed" otherwise.';
    case 'verdict':
      return '"approval" to deliver your verdict; "questions", "blocked" or "failed" otherwise.';
  }
}

function contentDescription(contract: OutputContract): string {
  switch (contract.kind) {
    case 'artifact':
      return `The ${contract.artifact} artifact, in markdown.`;
    case 'subtasks':
      return 'The technical design, in markdown (the Subtraks do not see it).';
    case 'verdict':
      return 'On approve: your review. On reject: the feedback to act on.';
  }
}

/** The same schema without any `description`, for quoting in a prompt (§4.4 step 1). */
export function compactSchema(schema: JsonSchema): JsonSchema {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => !(key === 'description' && typeof v === 'string'))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return strip(schema) as JsonSchema;
}
