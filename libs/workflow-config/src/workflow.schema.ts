import { z } from 'zod';
import { MAX_RUNNER_LABELS, RESERVED_ARTIFACT_NAMES, RUNNER_LABEL_PATTERN, RUNNER_LABEL_RULE, WORKFLOW_DEFAULTS, canonicalLabels, resolveAgentChoice } from '@orkestra/domain';

/*
 * The snake_case shape of `.orkestra/workflow.yaml` (ORKESTRA-SPEC §2.1). Field-local rules live
 * here; rules that compare fields (unique names, flow references) are in workflow-cross-checks.ts.
 * Flows, stages and their sub-blocks reject unknown keys; the root tolerates them.
 */

const nonBlank = z.string().refine((s) => s.trim() !== '', { message: 'must not be empty' });

const modelSpec = z.string().superRefine((model, ctx) => {
  const choice = resolveAgentChoice(model);
  if (!choice.ok) ctx.addIssue({ code: 'custom', message: choice.error });
});

// Artifacts become files under .orkestra/.artifacts/ and prompts are read from .orkestra/agents/:
// a name must not reach outside those folders.
export const insideFolder = (value: string): boolean => !value.includes('..') && !/[/\\]/.test(value);
const fileName = nonBlank.refine(insideFolder, { message: 'must be a plain file name (no "/", "\\" or "..")' });

const artifactName = z.string().superRefine((name, ctx) => {
  if (name.trim() === '') ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  else if (!insideFolder(name)) ctx.addIssue({ code: 'custom', message: 'must be a plain name (no "/", "\\" or "..")' });
  else if (RESERVED_ARTIFACT_NAMES.includes(name)) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is reserved (reserved: ${RESERVED_ARTIFACT_NAMES.join(', ')})` });
  }
});

const runnerLabel = z.string().superRefine((label, ctx) => {
  if (label.trim() === '') ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  else if (!RUNNER_LABEL_PATTERN.test(label)) ctx.addIssue({ code: 'custom', message: `must be a runner label: ${RUNNER_LABEL_RULE}` });
});

const scriptGate = z.strictObject({
  command: nonBlank,
  timeout_seconds: z.number().gt(0).default(WORKFLOW_DEFAULTS.gateTimeoutSeconds),
});

const subtasksCapability = z.strictObject({ flow: nonBlank.optional() });

const stageSchema = z.strictObject({
  name: nonBlank,
  artifact: z.union([artifactName, z.strictObject({ name: artifactName })]),
  description: z.string().optional(),
  prompt: fileName.optional(),
  model: modelSpec.optional(),
  // `subtasks:` with nothing after it is YAML null; it still switches the capability on.
  capabilities: z.strictObject({ subtasks: subtasksCapability.nullable().optional() }).optional(),
  gate: z.union([z.boolean(), scriptGate]).optional(),
  disallowed_tools: z.array(z.strictObject({ pattern: nonBlank, message: z.string().optional() })).default([]),
  schema_file: fileName.optional(),
  max_attempts: z.number().int().min(1).default(WORKFLOW_DEFAULTS.maxAttempts),
  agent_timeout_seconds: z.number().gt(0).default(WORKFLOW_DEFAULTS.agentTimeoutSeconds),
  // Runner labels the stage needs; leaving the key out means any runner, so an empty list is a mistake.
  // A label no runner may have (runners refuse such labels) would leave the stage waiting for ever.
  runs_on: z
    .array(runnerLabel)
    .min(1)
    .refine((labels) => canonicalLabels(labels).length <= MAX_RUNNER_LABELS, { message: `must list at most ${MAX_RUNNER_LABELS} labels: no runner may have more` })
    .optional(),
});

const flowSchema = z.strictObject({
  stages: z.array(stageSchema).min(1),
  integration: z.strictObject({
    on_failure: nonBlank,
    auto_merge: z.boolean().default(false),
  }),
  budget: z
    .strictObject({
      max_cost_usd: z.number().gt(0).optional(),
      max_tokens: z.number().int().gt(0).optional(),
    })
    .optional(),
});

export const workflowSchema = z.looseObject({
  version: z.number().int().min(1).default(WORKFLOW_DEFAULTS.version),
  flows: z.record(z.string(), flowSchema).refine((flows) => Object.keys(flows).length > 0, {
    message: 'must define at least one flow',
  }),
  vibe: z
    .looseObject({
      prompt: nonBlank.default(WORKFLOW_DEFAULTS.vibePrompt),
      model: modelSpec.optional(),
    })
    .default({ prompt: WORKFLOW_DEFAULTS.vibePrompt }),
});

export type RawWorkflow = z.output<typeof workflowSchema>;
export type RawFlow = z.output<typeof flowSchema>;
export type RawStage = z.output<typeof stageSchema>;
