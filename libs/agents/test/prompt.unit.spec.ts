import type { AgentRunJob, Trigger } from '@orkestra/domain';
import { assemblePrompt, renderTemplate, type PromptInputs } from '../src/prompt/index.js';

const stage = (name: string, artifact: string) => ({
  name,
  artifact,
  prompt: `${name}.md`,
  agent: { kind: 'claudecode' as const },
  disallowedTools: [],
  maxAttempts: 3,
  agentTimeoutSeconds: 1800,
});

const baseJob: AgentRunJob = {
  kind: 'agent-run',
  jobId: 'run-1',
  trakId: 'brave-red-fox',
  projectId: 'p1',
  flow: 'default',
  stage: stage('work', 'summary'),
  iteration: 1,
  session: { mode: 'new' },
  repo: { branch: 'ork/brave-red-fox', baseBranch: 'main' },
  trak: { title: 'Add login', description: 'Users log in with email.' },
  artifacts: [{ name: 'plan', content: '# Plan', stage: 'planning', iteration: 1, at: '2026-01-01T00:00:00Z' }],
  resources: [{ name: 'design doc', url: 'https://example.com/doc' }],
  activityLogs: { planning: '- wrote the plan' },
  workflow: [
    { stage: 'planning', artifact: 'plan', description: 'Write the plan', current: false },
    { stage: 'work', artifact: 'summary', current: true },
    { stage: 'review', artifact: 'verdict', current: false },
  ],
  siblings: [],
  output: { kind: 'artifact', artifact: 'summary', routeTo: [] },
  timeoutSeconds: 1800,
};

const assemble = (job: Partial<AgentRunJob> = {}, inputs: Partial<PromptInputs> = {}) =>
  assemblePrompt({ job: { ...baseJob, ...job }, template: 'You are the worker.', worktreePath: '/wt/brave-red-fox', structuredOutputTool: true, ...inputs });

const resumed = (trigger?: Trigger) => assemble({ session: { mode: 'resume', sessionId: 's1' }, ...(trigger && { trigger }) });

describe('assemblePrompt', () => {
  describe('system prompt', () => {
    it('given a template and ORKESTRA.md, puts the template, project instructions, output format and guidance in that order', () => {
      const { systemPrompt } = assemble({}, { projectInstructions: 'Use pnpm.' });
      const order = ['You are the worker.', '## Project Instructions', 'Use pnpm.', '## Output Format', '## Visual Communication', '## Communication Style'].map((s) =>
        systemPrompt.indexOf(s),
      );
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });

    it('given no or blank ORKESTRA.md, leaves the project section out', () => {
      expect(assemble({}, { projectInstructions: '  \n' }).systemPrompt).not.toContain('Project Instructions');
    });

    it('given a template with {{…}}, renders it with the stage context', () => {
      const { systemPrompt } = assemble(
        { trigger: { kind: 'gate_failure', error: 'lint failed' } },
        { template: 'Stage {{stage_name}} of {{task_id}}.{{#if feedback}} Fix: {{feedback}}{{/if}}{{#if has_artifacts}} Read {{#each stage_names_with_artifacts}}[{{this}}]{{/each}}.{{/if}}' },
      );
      expect(systemPrompt).toContain('Stage work of brave-red-fox. Fix: The gate failed:\n\nlint failed Read [planning].');
    });

    it('given an artifact contract, names the artifact and asks for exactly one ork block or the StructuredOutput tool', () => {
      const { systemPrompt } = assemble();
      expect(systemPrompt).toContain('produces the **summary** artifact');
      expect(systemPrompt).toContain('StructuredOutput tool');
      expect(systemPrompt).toContain('**exactly one** `ork` block');
      expect(systemPrompt).toContain('"type":"summary"');
    });

    it('given a CLI without a StructuredOutput tool, only asks for the ork block', () => {
      expect(assemble({}, { structuredOutputTool: false }).systemPrompt).not.toContain('StructuredOutput');
    });

    it('given a verdict contract, shows the approval example and the allowed routes only', () => {
      const { systemPrompt } = assemble({ output: { kind: 'verdict', artifact: 'verdict', routeTo: ['planning', 'work'] } });
      expect(systemPrompt).toContain('"type":"approval"');
      expect(systemPrompt).toContain('`route_to` to one of: `planning`, `work`');
    });

    it('given a subtasks contract, shows the subtasks example', () => {
      expect(assemble({ output: { kind: 'subtasks', artifact: 'breakdown', routeTo: [] } }).systemPrompt).toContain('"detailed_instructions"');
    });

    it('given disallowed tools, lists them under Tool Restrictions', () => {
      const { systemPrompt } = assemble({ stage: { ...baseJob.stage, disallowedTools: [{ pattern: 'Bash(git push:*)', message: 'the runner pushes' }] } });
      expect(systemPrompt).toContain('## Tool Restrictions');
      expect(systemPrompt).toContain('- `Bash(git push:*)`: the runner pushes');
    });
  });

  describe('fresh spawn user message', () => {
    it('starts with the spawn marker and shows the workflow with earlier outputs and the current stage', () => {
      const { userPrompt, mode } = assemble();
      expect(mode).toBe('fresh');
      expect(userPrompt.split('\n')[0]).toBe('<!orkestra:spawn:work>');
      expect(userPrompt).toContain('1. **planning**: Write the plan. Output: `.orkestra/.artifacts/plan.md`');
      expect(userPrompt).toContain('2. **work**  ← YOU ARE HERE');
      expect(userPrompt).toContain('3. **review**\n');
      expect(userPrompt).toContain('MUST read them');
    });

    it('points at the activity log, the resources, the Trak file and the worktree, and quotes the compact schema', () => {
      const { userPrompt } = assemble();
      expect(userPrompt).toContain('`.orkestra/.artifacts/activity_log.md`');
      expect(userPrompt).toContain('- **design doc** (https://example.com/doc)');
      expect(userPrompt).toContain('- ID: `brave-red-fox`');
      expect(userPrompt).toContain('`.orkestra/.artifacts/trak.md`');
      expect(userPrompt).toContain('`/wt/brave-red-fox`');
      expect(userPrompt).toContain('git diff --merge-base main');
      expect(userPrompt).toContain('## JSON Schema Reference');
      expect(userPrompt).not.toMatch(/"description":"/);
    });

    it.each<[string, Trigger, string]>([
      ['a rejection', { kind: 'rejection', fromStage: 'review', feedback: 'Tests missing' }, 'Rejected at stage "review":\n\nTests missing'],
      ['a gate failure', { kind: 'gate_failure', error: 'lint: 3 errors' }, 'lint: 3 errors'],
      ['a redirect', { kind: 'redirect', fromStage: 'review', message: 'Rethink it' }, 'Rethink it'],
      ['a restart', { kind: 'restart', message: 'Start over' }, 'Start over'],
      ['a user message', { kind: 'user_message', message: 'Use bcrypt' }, 'Use bcrypt'],
    ])('given %s, shows its text under Feedback to Address', (_, trigger, text) => {
      const { userPrompt } = assemble({ trigger });
      expect(userPrompt).toContain(`## Feedback to Address\n\n`);
      expect(userPrompt).toContain(text);
    });

    it('given no trigger, has no feedback section', () => {
      expect(assemble().userPrompt).not.toContain('Feedback to Address');
    });

    it('given an integration failure with files, asks to resolve those conflicts and commit', () => {
      const { userPrompt } = assemble({ trigger: { kind: 'integration', message: 'Merge into main failed', conflictFiles: ['src/a.ts'] } });
      expect(userPrompt).toContain('## MERGE CONFLICT – Resolution Required');
      expect(userPrompt).toContain('- `src/a.ts`');
      expect(userPrompt).toContain('`git add`');
    });

    it('given an integration failure without files, asks to merge the base first', () => {
      const { userPrompt } = assemble({ trigger: { kind: 'integration', message: 'Rebase failed', conflictFiles: [] } });
      expect(userPrompt).toContain('git fetch origin && git merge origin/main');
    });

    it('given siblings, lists them with their dependencies by title', () => {
      const { userPrompt } = assemble({
        siblings: [
          { trakId: 'brave-red-fox-owl', title: 'API', description: 'The endpoints.', dependsOn: [] },
          { trakId: 'brave-red-fox-elk', title: 'UI', description: 'The form.', dependsOn: ['brave-red-fox-owl'] },
        ],
      });
      expect(userPrompt).toContain('## Sibling Subtraks');
      expect(userPrompt).toContain('- **UI** `brave-red-fox-elk` (after: API): The form.');
    });

    it('given a Subtrak whose instructions belong to no stage of its flow, points at them as its brief (§9 item 6)', () => {
      const { userPrompt, artifactFiles } = assemble({
        trak: { title: 'API', description: 'The endpoints.', parentId: 'brave-red-fox' },
        artifacts: [{ name: 'breakdown', content: 'Build POST /login …', stage: '', iteration: 0, at: '2026-01-01T00:00:00Z' }],
        workflow: [{ stage: 'work', artifact: 'summary', current: true }],
      });
      expect(userPrompt).toContain('## Your Instructions');
      expect(userPrompt).toContain('Subtrak of `brave-red-fox`');
      expect(userPrompt).toContain('- `.orkestra/.artifacts/breakdown.md`');
      expect(artifactFiles).toContainEqual({ path: '.orkestra/.artifacts/breakdown.md', content: 'Build POST /login …' });
    });
  });

  describe('resumed session user message', () => {
    it('given no trigger or an interruption, is a short "continue" with its marker', () => {
      for (const prompt of [resumed(), resumed({ kind: 'interrupted' })]) {
        expect(prompt.mode).toBe('resume');
        expect(prompt.userPrompt.startsWith('<!orkestra:resume:work:continue>')).toBe(true);
        expect(prompt.userPrompt).not.toContain('Your Workflow');
        expect(prompt.userPrompt.length).toBeLessThan(300);
      }
    });

    it('given answers, lists them', () => {
      const { userPrompt } = resumed({ kind: 'answers', answers: [{ question: 'Which DB?', answer: 'Postgres' }] });
      expect(userPrompt.startsWith('<!orkestra:resume:work:answers>')).toBe(true);
      expect(userPrompt).toContain('- **Q:** Which DB?\n  **A:** Postgres');
    });

    it('given a gate failure, quotes the error and asks for revised output', () => {
      const { userPrompt } = resumed({ kind: 'gate_failure', error: 'tests: 2 failed' });
      expect(userPrompt.startsWith('<!orkestra:resume:work:gate_failure>')).toBe(true);
      expect(userPrompt).toContain('tests: 2 failed');
      expect(userPrompt).toContain('revised output');
    });

    it('given malformed output, gives the attempt count, the error and the schema again', () => {
      const { userPrompt } = resumed({ kind: 'malformed_output', error: 'content: is required', attempt: 2, maxAttempts: 3 });
      expect(userPrompt.startsWith('<!orkestra:resume:work:malformed_output>')).toBe(true);
      expect(userPrompt).toContain('attempt 2 of 3');
      expect(userPrompt).toContain('content: is required');
      expect(userPrompt).toContain('## JSON Schema Reference');
    });

    it('given a user message, is exactly that message with no marker', () => {
      expect(resumed({ kind: 'user_message', message: 'Also handle logout.' }).userPrompt).toBe('Also handle logout.');
    });

    it('given a rejection anyway, still carries the feedback', () => {
      expect(resumed({ kind: 'rejection', fromStage: 'review', feedback: 'No tests' }).userPrompt).toContain('No tests');
    });

    it('still returns the full system prompt, for CLIs that take it on every resume', () => {
      expect(resumed().systemPrompt).toContain('## Output Format');
    });
  });

  describe('artifact files', () => {
    it('writes trak.md, activity_log.md and every artifact under .orkestra/.artifacts/', () => {
      const { artifactFiles } = assemble();
      expect(artifactFiles.map((f) => f.path)).toEqual(['.orkestra/.artifacts/trak.md', '.orkestra/.artifacts/activity_log.md', '.orkestra/.artifacts/plan.md']);
      expect(artifactFiles[0]?.content).toContain('# Add login');
      expect(artifactFiles[0]?.content).toContain('Users log in with email.');
      expect(artifactFiles[1]?.content).toContain('## planning\n\n- wrote the plan');
    });
  });
});

describe('renderTemplate', () => {
  it('given no {{, returns the template untouched', () => {
    expect(renderTemplate('Plain {text}', {})).toBe('Plain {text}');
  });

  it('given nested blocks, else branches and unknown names, renders them', () => {
    const out = renderTemplate('{{#if a}}A{{#unless b}}!b{{/unless}}{{else}}none{{/if}}|{{#if x}}X{{else}}noX{{/if}}|{{missing}}|', { a: true, b: false });
    expect(out).toBe('A!b|noX||');
  });
});
