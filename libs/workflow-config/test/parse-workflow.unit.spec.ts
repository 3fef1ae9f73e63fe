import { describe, expect, it } from '@jest/globals';
import { WorkflowConfigError, parseWorkflow } from '../src/index.js';
import type { WorkflowConfigIssue } from '../src/index.js';

const yaml = (lines: string[]): string => `${lines.join('\n')}\n`;

function issuesOf(text: string, file?: string): string[] {
  try {
    parseWorkflow(text, file);
  } catch (error) {
    if (!(error instanceof WorkflowConfigError)) throw error;
    return error.issues.map((i: WorkflowConfigIssue) => `${i.file}:${i.line}:${i.column} ${i.path} ${i.message}`.replace('  ', ' '));
  }
  throw new Error('expected a WorkflowConfigError');
}

const VALID = yaml([
  'version: 2',
  'team_notes: tolerated at the root',
  'vibe:',
  '  model: opus',
  'flows:',
  '  default:',
  '    budget: { max_cost_usd: 12.5, max_tokens: 400000 }',
  '    stages:',
  '      - name: planning',
  '        artifact: plan',
  '        description: Pin down the requirements',
  '        prompt: planner.md',
  '        model: sonnet',
  '      - name: breakdown',
  '        artifact: { name: design }',
  '        capabilities: { subtasks: { flow: subtask } }',
  '        gate: false',
  '      - &work',
  '        name: work',
  '        artifact: summary',
  '        model: kimi-k2',
  '        gate: { command: npm test }',
  '        disallowed_tools:',
  '          - pattern: Bash(npm test*)',
  '            message: The gate runs the tests.',
  '          - pattern: Edit',
  '        schema_file: summary.json',
  '        max_attempts: 3',
  '        agent_timeout_seconds: 900',
  '      - &review',
  '        name: review',
  '        artifact: verdict',
  '        model: claude/claude-opus-4-6',
  '        gate: true',
  '    integration: { on_failure: work, auto_merge: true }',
  '  subtask:',
  '    stages:',
  '      - *work',
  '      - <<: *review',
  '        model: openrouter/qwen3',
  '      - name: split',
  '        artifact: parts',
  '        capabilities: { subtasks: {} }',
  '    integration: { on_failure: work }',
]);

describe('parseWorkflow given a valid workflow', () => {
  const workflow = parseWorkflow(VALID);

  it('keeps the version and the vibe settings', () => {
    expect(workflow.version).toBe(2);
    expect(workflow.vibe).toEqual({ prompt: 'vibe.md', model: 'opus' });
  });

  it('lists flows in file order with their integration and budget', () => {
    expect(workflow.flows.map((f) => f.name)).toEqual(['default', 'subtask']);
    expect(workflow.flows[0]).toMatchObject({
      integration: { onFailure: 'work', autoMerge: true },
      budget: { maxCostUsd: 12.5, maxTokens: 400000 },
    });
    expect(workflow.flows[1]?.integration).toEqual({ onFailure: 'work', autoMerge: false });
    expect(workflow.flows[1]).not.toHaveProperty('budget');
  });

  it('produces the exact camelCase stages of the default flow, with defaults and resolved agents', () => {
    expect(workflow.flows[0]?.stages).toStrictEqual([
      {
        name: 'planning',
        artifact: 'plan',
        description: 'Pin down the requirements',
        prompt: 'planner.md',
        model: 'sonnet',
        agent: { kind: 'claudecode', model: 'claude-sonnet-4-6' },
        disallowedTools: [],
        maxAttempts: 5,
        agentTimeoutSeconds: 1800,
      },
      {
        name: 'breakdown',
        artifact: 'design',
        prompt: 'breakdown.md',
        agent: { kind: 'claudecode' },
        subtasks: { flow: 'subtask' },
        disallowedTools: [],
        maxAttempts: 5,
        agentTimeoutSeconds: 1800,
      },
      {
        name: 'work',
        artifact: 'summary',
        prompt: 'work.md',
        model: 'kimi-k2',
        agent: { kind: 'opencode', model: 'moonshot/kimi-k2-0711-preview' },
        gate: { kind: 'script', command: 'npm test', timeoutSeconds: 300 },
        disallowedTools: [{ pattern: 'Bash(npm test*)', message: 'The gate runs the tests.' }, { pattern: 'Edit' }],
        schemaFile: 'summary.json',
        maxAttempts: 3,
        agentTimeoutSeconds: 900,
      },
      {
        name: 'review',
        artifact: 'verdict',
        prompt: 'review.md',
        model: 'claude/claude-opus-4-6',
        agent: { kind: 'claudecode', model: 'claude-opus-4-6' },
        gate: { kind: 'agent' },
        disallowedTools: [],
        maxAttempts: 5,
        agentTimeoutSeconds: 1800,
      },
    ]);
  });

  it('copies aliased stages and applies overrides on merge keys', () => {
    const [work, review, split] = workflow.flows[1]?.stages ?? [];
    expect(work).toStrictEqual(workflow.flows[0]?.stages[2]);
    expect(review).toMatchObject({ name: 'review', gate: { kind: 'agent' }, agent: { kind: 'opencode', model: 'openrouter/qwen3' } });
    expect(split?.subtasks).toEqual({ flow: 'default' });
  });
});

describe('parseWorkflow given stages that name runner labels', () => {
  const text = (runsOn: string): string =>
    yaml(['flows:', '  default:', '    stages:', '      - name: train', '        artifact: model', `        ${runsOn}`, '      - { name: ship, artifact: notes }', '    integration: { on_failure: train }']);

  it('carries runs_on as runsOn, and leaves it out of a stage without it', () => {
    const [train, ship] = parseWorkflow(text('runs_on: [gpu, big-memory]')).flows[0]?.stages ?? [];
    expect(train?.runsOn).toEqual(['gpu', 'big-memory']);
    expect(ship).not.toHaveProperty('runsOn');
  });

  it('wants a non-empty list of at most 4 labels a runner may have, and still rejects a misspelt key', () => {
    expect(issuesOf(text('runs_on: []'))).toEqual(['workflow.yaml:6:9 flows.default.stages[0].runs_on must have at least 1 item']);
    expect(issuesOf(text('runs_on: [gpu, "  "]'))).toEqual(['workflow.yaml:6:24 flows.default.stages[0].runs_on[1] must not be empty']);
    expect(issuesOf(text('runs_on: gpu'))).toEqual(['workflow.yaml:6:9 flows.default.stages[0].runs_on must be a list']);
    expect(issuesOf(text('runs_on: [gpu, big memory]'))).toEqual([
      'workflow.yaml:6:24 flows.default.stages[0].runs_on[1] must be a runner label: a letter or digit, then letters, digits, "-" or "_", at most 32 in all',
    ]);
    expect(issuesOf(text('runs_on: [a, b, c, d, e]'))).toEqual(['workflow.yaml:6:9 flows.default.stages[0].runs_on must list at most 4 labels: no runner may have more']);
    expect(parseWorkflow(text('runs_on: [a, b, c, d, A]')).flows[0]?.stages[0]?.runsOn).toEqual(['a', 'b', 'c', 'd', 'A']);
    expect(issuesOf(text('run_on: [gpu]'))).toEqual(['workflow.yaml:6:9 flows.default.stages[0].run_on is not a known key']);
  });
});

describe('parseWorkflow given a minimal workflow', () => {
  it('fills in version 1 and vibe.md', () => {
    const workflow = parseWorkflow(yaml(['flows:', '  default:', '    stages: [{ name: a, artifact: x }]', '    integration: { on_failure: a }']));
    expect(workflow.version).toBe(1);
    expect(workflow.vibe).toStrictEqual({ prompt: 'vibe.md' });
  });
});

const MALFORMED = yaml([
  'flows:', // 1
  '  default:', // 2
  '    stages:', // 3
  '      - name: planning', // 4
  '        artifact: plan', // 5
  '        is_automated: true', // 6
  '        model: ""', // 7
  '      - name: breakdown', // 8
  '        artifact: trak', // 9
  '        capabilities:', // 10
  '          approval: true', // 11
  '          subtasks:', // 12
  '            flow: nowhere', // 13
  '      - name: work', // 14
  '        artifact: summary', // 15
  '        model: gpt-9000', // 16
  '        gate:', // 17
  '          command: "   "', // 18
  '          timeout_seconds: 0', // 19
  '      - name: work', // 20
  '        artifact: { name: summary }', // 21
  '      - name: docs', // 22
  '        max_attempts: 0', // 23
  '    integration:', // 24
  '      on_failure: deploy', // 25
]);

describe('parseWorkflow given a file with many problems', () => {
  it('reports every problem at once with file, line, column, key path and message', () => {
    expect(issuesOf(MALFORMED, '.orkestra/workflow.yaml')).toEqual([
      '.orkestra/workflow.yaml:6:9 flows.default.stages[0].is_automated was removed: stages pause for review unless the Trak runs in auto mode',
      '.orkestra/workflow.yaml:7:9 flows.default.stages[0].model must not be empty',
      '.orkestra/workflow.yaml:9:9 flows.default.stages[1].artifact "trak" is reserved (reserved: activity_log, trak)',
      '.orkestra/workflow.yaml:11:11 flows.default.stages[1].capabilities.approval was removed: write gate: true for an approve/reject verdict',
      '.orkestra/workflow.yaml:13:13 flows.default.stages[1].capabilities.subtasks.flow names unknown flow "nowhere" (flows: default)',
      '.orkestra/workflow.yaml:16:9 flows.default.stages[2].model unknown model alias "gpt-9000" (known: sonnet, opus, haiku, kimi-k2, kimi-k2.5, kimi-k2.6; or write provider/model)',
      '.orkestra/workflow.yaml:18:11 flows.default.stages[2].gate.command must not be empty',
      '.orkestra/workflow.yaml:19:11 flows.default.stages[2].gate.timeout_seconds must be > 0',
      '.orkestra/workflow.yaml:20:9 flows.default.stages[3].name "work" is already the name of stages[2]',
      '.orkestra/workflow.yaml:21:21 flows.default.stages[3].artifact.name "summary" is already the artifact of stages[2]',
      '.orkestra/workflow.yaml:22:9 flows.default.stages[4].artifact is required',
      '.orkestra/workflow.yaml:23:9 flows.default.stages[4].max_attempts must be >= 1',
      '.orkestra/workflow.yaml:25:7 flows.default.integration.on_failure names "deploy", which is not a stage of flow "default" (stages: planning, breakdown, work, docs)',
    ]);
  });

  it('throws a WorkflowConfigError with code WORKFLOW.INVALID whose message lists each issue on its own line', () => {
    const error = (() => {
      try {
        parseWorkflow(MALFORMED);
      } catch (e) {
        return e as WorkflowConfigError;
      }
      throw new Error('expected a throw');
    })();
    expect(error).toBeInstanceOf(WorkflowConfigError);
    expect(error.name).toBe('WorkflowConfigError');
    expect(error.code).toBe('WORKFLOW.INVALID');
    expect(error.issues[0]).toEqual({
      file: 'workflow.yaml',
      line: 6,
      column: 9,
      path: 'flows.default.stages[0].is_automated',
      message: 'was removed: stages pause for review unless the Trak runs in auto mode',
    });
    expect(error.message).toContain('\nworkflow.yaml:19:11 flows.default.stages[2].gate.timeout_seconds must be > 0\n');
  });
});

describe('parseWorkflow given structural problems', () => {
  it('points a missing required key at its parent map', () => {
    expect(issuesOf(yaml(['version: 1', 'flows:', '  default:', '    stages:', '      - name: a', '        artifact: x']))).toEqual([
      'workflow.yaml:3:3 flows.default.integration is required',
    ]);
  });

  it('reports a root without flows, and an empty flow list', () => {
    expect(issuesOf('version: 1\n')).toEqual(['workflow.yaml:1:1 flows is required']);
    expect(issuesOf('flows: {}\n')).toEqual(['workflow.yaml:1:1 flows must define at least one flow']);
  });

  it('reports an empty stage list, unknown flow keys and a gate of the wrong type', () => {
    expect(
      issuesOf(
        yaml([
          'flows:',
          '  a:',
          '    stages: []',
          '    integration: { on_failure: x }',
          '    retries: 2',
          '  b:',
          '    stages: [{ name: s, artifact: o, gate: "yes" }]',
          '    integration: { on_failure: s }',
        ]),
      ),
    ).toEqual([
      'workflow.yaml:3:5 flows.a.stages must have at least 1 item',
      'workflow.yaml:5:5 flows.a.retries is not a known key',
      'workflow.yaml:7:38 flows.b.stages[0].gate must be true or false or a mapping',
    ]);
  });

  it('reports what is wrong inside a gate mapping instead of asking for true or false', () => {
    expect(
      issuesOf(
        yaml([
          'flows:',
          '  default:',
          '    stages:',
          '      - name: work',
          '        artifact: summary',
          '        gate:',
          '          timeout_seconds: 0',
          '      - { name: check, artifact: verdict, gate: { command: make, retries: 2 } }',
          '      - { name: named, artifact: { title: x } }',
          '    integration: { on_failure: work }',
        ]),
      ),
    ).toEqual([
      'workflow.yaml:6:9 flows.default.stages[0].gate.command is required',
      'workflow.yaml:7:11 flows.default.stages[0].gate.timeout_seconds must be > 0',
      'workflow.yaml:8:66 flows.default.stages[1].gate.retries is not a known key',
      'workflow.yaml:9:24 flows.default.stages[2].artifact.name is required',
      'workflow.yaml:9:36 flows.default.stages[2].artifact.title is not a known key',
    ]);
  });

  it('rejects artifact, prompt and schema names that would reach outside their folders', () => {
    expect(
      issuesOf(
        yaml([
          'flows:',
          '  main:',
          '    stages:',
          '      - { name: s, artifact: ../../tmp/pwn, prompt: ../../etc/passwd, schema_file: /etc/x.json }',
          '    integration: { on_failure: s }',
        ]),
      ),
    ).toEqual([
      'workflow.yaml:4:20 flows.main.stages[0].artifact must be a plain name (no "/", "\\" or "..")',
      'workflow.yaml:4:45 flows.main.stages[0].prompt must be a plain file name (no "/", "\\" or "..")',
      'workflow.yaml:4:71 flows.main.stages[0].schema_file must be a plain file name (no "/", "\\" or "..")',
    ]);
  });

  it('rejects gate: true on a stage with subtasks, and a missing default subtask flow', () => {
    expect(
      issuesOf(
        yaml(['flows:', '  main:', '    stages:', '      - { name: s, artifact: o, gate: true, capabilities: { subtasks: {} } }', '    integration: { on_failure: s }']),
      ),
    ).toEqual([
      'workflow.yaml:4:33 flows.main.stages[0].gate must not be true on a stage with capabilities.subtasks',
      'workflow.yaml:4:61 flows.main.stages[0].capabilities.subtasks has no flow, and the default subtask flow "default" does not exist (flows: main)',
    ]);
  });

  it('rejects a non-positive budget and fractional tokens', () => {
    expect(
      issuesOf(
        yaml([
          'flows:',
          '  default:',
          '    stages: [{ name: s, artifact: o, agent_timeout_seconds: -1 }]',
          '    integration: { on_failure: s }',
          '    budget: { max_cost_usd: 0, max_tokens: 1.5 }',
        ]),
      ),
    ).toEqual([
      'workflow.yaml:3:38 flows.default.stages[0].agent_timeout_seconds must be > 0',
      'workflow.yaml:5:15 flows.default.budget.max_cost_usd must be > 0',
      'workflow.yaml:5:32 flows.default.budget.max_tokens must be an integer',
    ]);
  });
});

describe('parseWorkflow given invalid YAML', () => {
  it('reports the syntax error with its line and column', () => {
    const issues = issuesOf(yaml(['flows:', '  default:', '    stages: [', '  oops: }']));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^workflow\.yaml:4:\d+ YAML syntax error: /);
  });

  it('reports a duplicate key as a syntax error', () => {
    expect(issuesOf(yaml(['flows: {}', 'flows: {}']))[0]).toMatch(/^workflow\.yaml:2:1 YAML syntax error: Map keys must be unique/);
  });
});
