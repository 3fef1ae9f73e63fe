import type { AgentRunJob, ArtifactRecord, OutputContract, Trigger } from '@orkestra/domain';

export const ARTIFACTS_DIR = '.orkestra/.artifacts';
export const artifactPath = (name: string): string => `${ARTIFACTS_DIR}/${name}.md`;
export const TRAK_FILE = artifactPath('trak');
export const ACTIVITY_LOG_FILE = artifactPath('activity_log');

const section = (title: string, ...body: string[]): string => [`## ${title}`, '', ...body].join('\n');

/** The feedback a trigger carries for "Feedback to Address" (§4.4 step 3); undefined when it has none. */
export function feedbackOf(trigger: Trigger | undefined): string | undefined {
  switch (trigger?.kind) {
    case 'rejection':
      return `Rejected at stage "${trigger.fromStage}":\n\n${trigger.feedback}`;
    case 'gate_failure':
      return `The gate failed:\n\n${trigger.error}`;
    case 'redirect':
      return `Redirected from stage "${trigger.fromStage}":\n\n${trigger.message}`;
    case 'restart':
    case 'user_message':
      return trigger.message;
    case 'malformed_output':
      return `Your previous answer could not be read (attempt ${trigger.attempt} of ${trigger.maxAttempts}): ${trigger.error}`;
    case 'agent_failure':
      return `The previous run of this stage ended without an answer (${trigger.reason}): ${trigger.message}`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------- system prompt

export function outputFormatSection(contract: OutputContract, structuredOutputTool: boolean): string {
  const how = structuredOutputTool
    ? 'Deliver your final answer by calling the StructuredOutput tool with the JSON object. If that tool is not available, write the JSON object in a fenced code block labelled `ork`.'
    : 'Deliver your final answer as a JSON object in a fenced code block labelled `ork`.';
  return section(
    'Output Format',
    `This stage produces the **${contract.artifact}** artifact.`,
    '',
    how,
    '',
    '- Emit **exactly one** `ork` block, at the end of your final message. Prose around it is fine; prose alone is not an answer.',
    '- Put the whole artifact in `content` (markdown). Add `activity_log` (a few bullets on what you did) and `resources` if useful.',
    '',
    'Your answer:',
    '',
    fence(mainExample(contract)),
    '',
    'When you need a person to decide something first:',
    '',
    fence({ type: 'questions', questions: [{ question: '…', context: '…', options: [{ label: 'A', description: '…' }, { label: 'B' }] }] }),
    '',
    'When you cannot continue: `{"type":"blocked","reason":"what blocks you and what would unblock you"}`; when the work cannot be done at all: `{"type":"failed","error":"why"}`.',
  );
}

function mainExample(contract: OutputContract): object {
  switch (contract.kind) {
    case 'artifact':
      return { type: contract.artifact, content: '<markdown>', activity_log: '- …' };
    case 'subtasks':
      return {
        type: 'subtasks',
        content: '<technical design, markdown>',
        subtasks: [
          { title: '…', description: '1-2 sentences', detailed_instructions: '<self-contained brief>', depends_on: [] },
          { title: '…', description: '…', detailed_instructions: '…', depends_on: [0] },
        ],
      };
    case 'verdict': {
      const route = contract.routeTo.length > 0 ? { route_to: contract.routeTo[contract.routeTo.length - 1] } : {};
      return { type: 'approval', decision: 'approve | reject', content: '<review on approve, feedback on reject>', ...route };
    }
  }
}

const fence = (value: object): string => ['```ork', JSON.stringify(value), '```'].join('\n');

export function verdictRoutingNote(contract: OutputContract): string | undefined {
  if (contract.kind !== 'verdict') return undefined;
  return contract.routeTo.length === 0
    ? 'A rejection goes back to the previous stage.'
    : `On reject you may set \`route_to\` to one of: ${contract.routeTo.map((s) => `\`${s}\``).join(', ')} (default: the previous stage).`;
}

export const VISUAL_COMMUNICATION = section(
  'Visual Communication',
  'Prefer a small ASCII wireframe for UI, a mermaid diagram for flows and structure, and tables for comparisons over long prose.',
);

export const COMMUNICATION_STYLE = section(
  'Communication Style',
  'Be direct and concise. Lead with the conclusion, state assumptions explicitly, and do not pad.',
);

export function toolRestrictionsSection(job: AgentRunJob): string | undefined {
  if (job.stage.disallowedTools.length === 0) return undefined;
  return section(
    'Tool Restrictions',
    'You must not use these tools in this stage:',
    '',
    ...job.stage.disallowedTools.map((t) => `- \`${t.pattern}\`${t.message ? `: ${t.message}` : ''}`),
  );
}

// ---------------------------------------------------------------------------------- user message

/** Artifacts that belong to no stage of this flow, e.g. a Subtrak's own instructions (§9 item 6). */
export const inheritedArtifacts = (job: AgentRunJob): ArtifactRecord[] =>
  job.artifacts.filter((a) => !job.workflow.some((w) => w.artifact === a.name));

export function workflowSection(job: AgentRunJob): string {
  const present = new Set(job.artifacts.map((a) => a.name));
  const currentIndex = job.workflow.findIndex((w) => w.current);
  const lines = job.workflow.map((w, i) => {
    const head = `${i + 1}. **${w.stage}**${w.description ? `: ${w.description}` : ''}`;
    if (w.current) return `${head}  ← YOU ARE HERE (you produce \`${w.artifact}\`)`;
    if ((i < currentIndex || currentIndex === -1) && present.has(w.artifact)) return `${head}. Output: \`${artifactPath(w.artifact)}\``;
    return head;
  });
  const earlier = job.workflow.some((w, i) => i < currentIndex && present.has(w.artifact));
  return section(
    'Your Workflow',
    ...lines,
    ...(earlier ? ['', 'The outputs of earlier stages are the basis of your work: you MUST read them before you start.'] : []),
  );
}

export function instructionsSection(job: AgentRunJob): string | undefined {
  const inherited = inheritedArtifacts(job);
  if (inherited.length === 0) return undefined;
  const intro =
    job.trak.parentId !== undefined
      ? `This Trak is a Subtrak of \`${job.trak.parentId}\`. Your own detailed instructions from the parent's breakdown are in these files; they are your brief, and you MUST read them before you start:`
      : 'This Trak came with these files; you MUST read them before you start:';
  return section('Your Instructions', intro, '', ...inherited.map((a) => `- \`${artifactPath(a.name)}\``));
}

export function contextSection(job: AgentRunJob): string {
  const resources = job.resources.map((r) => `- **${r.name}**${r.url ? ` (${r.url})` : ''}${r.description ? `: ${r.description}` : ''}`);
  return [
    `Activity log of earlier stages: \`${ACTIVITY_LOG_FILE}\``,
    ...(resources.length > 0 ? ['', 'Resources registered on this Trak:', ...resources] : []),
  ].join('\n');
}

export function trakSection(job: AgentRunJob): string {
  return section('Your Current Trak', `- ID: \`${job.trakId}\``, `- Title: ${job.trak.title}`, `- Details: \`${TRAK_FILE}\``);
}

export function siblingsSection(job: AgentRunJob): string | undefined {
  if (job.siblings.length === 0) return undefined;
  const title = new Map(job.siblings.map((s) => [s.trakId, s.title]));
  return section(
    'Sibling Subtraks',
    'Other Subtraks of the same parent work in parallel or after you. Stay within your own scope and keep to the interfaces you share:',
    '',
    ...job.siblings.map((s) => {
      const deps = s.dependsOn.length > 0 ? ` (after: ${s.dependsOn.map((d) => title.get(d) ?? d).join(', ')})` : '';
      return `- **${s.title}** \`${s.trakId}\`${deps}: ${s.description}`;
    }),
  );
}

export function feedbackSection(trigger: Trigger | undefined): string | undefined {
  if (trigger?.kind === 'answers') {
    return section('Answers to Your Questions', ...trigger.answers.map((a) => `- **Q:** ${a.question}\n  **A:** ${a.answer}`));
  }
  const feedback = feedbackOf(trigger);
  return feedback === undefined ? undefined : section('Feedback to Address', feedback);
}

export function conflictSection(trigger: Trigger | undefined, baseBranch: string): string | undefined {
  if (trigger?.kind !== 'integration') return undefined;
  const steps =
    trigger.conflictFiles.length > 0
      ? [
          'These files have conflicts:',
          '',
          ...trigger.conflictFiles.map((f) => `- \`${f}\``),
          '',
          'Resolve every conflict marker in them, keeping the intent of both sides, then `git add` the files and `git commit`.',
        ]
      : [
          `Bring in the latest \`${baseBranch}\` and resolve what conflicts: \`git fetch origin && git merge origin/${baseBranch}\`, then resolve the markers, \`git add\` and \`git commit\`.`,
        ];
  return section('MERGE CONFLICT – Resolution Required', trigger.message, '', ...steps);
}

export function worktreeSection(worktreePath: string, baseBranch: string): string {
  return section(
    'Worktree Context',
    `You work in the git worktree \`${worktreePath}\`. Your changes so far: \`git diff --merge-base ${baseBranch}\`.`,
    'When you start sub-agents, give them this worktree path.',
  );
}
