import type { AgentRunJob } from '@orkestra/domain';
import { compactSchema, outputSchema, type JsonSchema } from '../output/output-schema.js';
import { renderTemplate } from './render-template.js';
import {
  ACTIVITY_LOG_FILE,
  COMMUNICATION_STYLE,
  TRAK_FILE,
  VISUAL_COMMUNICATION,
  artifactPath,
  conflictSection,
  contextSection,
  feedbackOf,
  feedbackSection,
  instructionsSection,
  outputFormatSection,
  siblingsSection,
  toolRestrictionsSection,
  trakSection,
  verdictRoutingNote,
  workflowSection,
  worktreeSection,
} from './sections.js';

export interface PromptInputs {
  readonly job: AgentRunJob;
  /** The stage's prompt template as read from `.orkestra/agents/<prompt>`. */
  readonly template: string;
  /** `.orkestra/ORKESTRA.md`, when present. */
  readonly projectInstructions?: string;
  /** Absolute path of the Trak's worktree (the agent's cwd). */
  readonly worktreePath: string;
  /** The CLI offers a StructuredOutput tool (Claude Code with `--json-schema`). */
  readonly structuredOutputTool: boolean;
}

/** A file to write before the spawn; `path` is relative to the worktree. */
export interface ArtifactFile {
  readonly path: string;
  readonly content: string;
}

export interface AssembledPrompt {
  /** Template, project instructions, output format and guidance. Sent again on every resume (Claude). */
  readonly systemPrompt: string;
  /** The message written to the agent's stdin. */
  readonly userPrompt: string;
  readonly mode: 'fresh' | 'resume';
  /** The schema for `--json-schema`. */
  readonly schema: JsonSchema;
  /** Everything to materialise under `.orkestra/.artifacts/` before the spawn. */
  readonly artifactFiles: readonly ArtifactFile[];
}

/** Builds the prompts and the files for one agent spawn (ORKESTRA-SPEC §4.4). Pure. */
export function assemblePrompt(inputs: PromptInputs): AssembledPrompt {
  const { job } = inputs;
  const schema = outputSchema(job.output);
  const resume = job.session.mode === 'resume';
  return {
    systemPrompt: systemPrompt(inputs),
    userPrompt: resume ? resumePrompt(inputs, schema) : freshPrompt(inputs, schema),
    mode: resume ? 'resume' : 'fresh',
    schema,
    artifactFiles: artifactFiles(job),
  };
}

const join = (parts: ReadonlyArray<string | undefined>): string => parts.filter((p): p is string => p !== undefined && p.trim() !== '').join('\n\n');

function systemPrompt({ job, template, projectInstructions, structuredOutputTool }: PromptInputs): string {
  const stagesWithArtifacts = job.workflow.filter((w) => job.artifacts.some((a) => a.name === w.artifact)).map((w) => w.stage);
  const rendered = renderTemplate(template, {
    stage_name: job.stage.name,
    task_id: job.trakId,
    feedback: feedbackOf(job.trigger),
    has_artifacts: job.artifacts.length > 0,
    stage_names_with_artifacts: stagesWithArtifacts,
  });
  const project = projectInstructions?.trim() ? `## Project Instructions\n\n${projectInstructions.trim()}` : undefined;
  return join([
    rendered.trim(),
    project,
    join([outputFormatSection(job.output, structuredOutputTool), verdictRoutingNote(job.output)]),
    VISUAL_COMMUNICATION,
    COMMUNICATION_STYLE,
    toolRestrictionsSection(job),
  ]);
}

const schemaReference = (schema: JsonSchema): string =>
  `## JSON Schema Reference\n\nYour answer must match this schema:\n\n\`\`\`json\n${JSON.stringify(compactSchema(schema))}\n\`\`\``;

function freshPrompt(inputs: PromptInputs, schema: JsonSchema): string {
  const { job } = inputs;
  return join([
    `<!orkestra:spawn:${job.stage.name}>`,
    workflowSection(job),
    instructionsSection(job),
    contextSection(job),
    trakSection(job),
    siblingsSection(job),
    feedbackSection(job.trigger),
    conflictSection(job.trigger, job.repo.baseBranch),
    worktreeSection(inputs.worktreePath, job.repo.baseBranch),
    schemaReference(schema),
  ]);
}

/**
 * A resumed session already holds the Trak, the workflow and the files: the message only says why
 * it goes on. Triggers that the original always answers with a new session (rejection, integration,
 * redirect, restart) still get a complete message here, in case the job resumes anyway.
 */
function resumePrompt(inputs: PromptInputs, schema: JsonSchema): string {
  const { job } = inputs;
  const stage = job.stage.name;
  const marker = (type: string): string => `<!orkestra:resume:${stage}:${type}>`;
  const trigger = job.trigger;
  switch (trigger?.kind) {
    case undefined:
    case 'interrupted':
      return join([marker('continue'), 'You were interrupted. Continue where you left off, and finish with your answer in the required format.']);
    case 'answers':
      return join([
        marker('answers'),
        'Here are the answers to your questions:',
        trigger.answers.map((a) => `- **Q:** ${a.question}\n  **A:** ${a.answer}`).join('\n'),
        'Continue with them, and finish with your answer in the required format.',
      ]);
    case 'gate_failure':
      return join([
        marker('gate_failure'),
        `The gate of this stage failed on your last output:\n\n${trigger.error}`,
        'Fix the problem and produce revised output in the required format.',
      ]);
    case 'malformed_output':
      return join([
        marker('malformed_output'),
        `Your last answer could not be read (attempt ${trigger.attempt} of ${trigger.maxAttempts}): ${trigger.error}`,
        inputs.structuredOutputTool
          ? 'Answer again with the StructuredOutput tool, or with exactly one fenced ```ork block holding the JSON object.'
          : 'Answer again with exactly one fenced ```ork block holding the JSON object.',
        schemaReference(schema),
      ]);
    case 'user_message':
      return trigger.message;
    case 'agent_failure':
      return join([marker('continue'), `Your last run ended without an answer (${trigger.reason}). Continue where you left off, and finish with your answer in the required format.`]);
    case 'integration':
      return join([marker('integration'), conflictSection(trigger, job.repo.baseBranch), 'Then finish with your answer in the required format.']);
    case 'rejection':
    case 'redirect':
    case 'restart':
      return join([marker(trigger.kind), feedbackSection(trigger), 'Address it, and finish with your answer in the required format.']);
  }
}

/** `trak.md`, `activity_log.md` and one file per artifact, the Subtrak's own instructions included (§1, §9 item 6). */
function artifactFiles(job: AgentRunJob): ArtifactFile[] {
  const trak = join([
    `# ${job.trak.title}`,
    `- ID: \`${job.trakId}\``,
    ...(job.trak.parentId !== undefined ? [`- Parent: \`${job.trak.parentId}\``] : []),
    job.trak.description,
  ]);
  // Flow order first; logs of stages outside the flow (if any) after.
  const order = job.workflow.map((w) => w.stage);
  const rank = (stage: string): number => (order.includes(stage) ? order.indexOf(stage) : order.length);
  const logs = Object.entries(job.activityLogs)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([stage, log]) => `## ${stage}\n\n${log}`);
  const reserved = new Set([TRAK_FILE, ACTIVITY_LOG_FILE]);
  return [
    { path: TRAK_FILE, content: `${trak}\n` },
    { path: ACTIVITY_LOG_FILE, content: `${join(['# Activity Log', ...(logs.length > 0 ? logs : ['Nothing yet.'])])}\n` },
    ...job.artifacts.filter((a) => !reserved.has(artifactPath(a.name))).map((a) => ({ path: artifactPath(a.name), content: a.content })),
  ];
}
