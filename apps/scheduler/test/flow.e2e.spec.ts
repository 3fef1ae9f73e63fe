import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { TrakCommand, TrakState } from '@orkestra/domain';
import { bareRemote, eventually, startModelServer, startRunnerMachine, startSchedulerProcess, startScriptedAgents } from '@orkestra/testing';
import type { AgentRun, AgentScript, ModelServer, RunnerMachine, ScriptTurn, ScriptedAgents, ServiceProcess } from '@orkestra/testing';
import { parseWorkflow, resolveFlowBundle, templatesDir } from '@orkestra/workflow-config';
import { execa } from 'execa';
import type { SchedulerService } from '../src/service/scheduler-service.js';
import { SchedulerHarness } from './support/scheduler-harness.js';

// The scheduler's acceptance tests: real Postgres and NATS, one runner process as deployed
// (apps/runner/dist) running the real Claude Code CLI against the scripted model server, and a
// bare git remote holding the project's `.orkestra/` tree. Nothing but the model is scripted.
jest.setTimeout(360_000);

/**
 * The gate of the work stage: every file under db/ and src/ needs a test of the same name under
 * tests/. Each run is also logged to GATE_LOG, outside the worktree, so the test can count them.
 */
const checksScript = (gateLog: string): string => `#!/bin/sh
echo "$ORKESTRA_TASK_ID $(date +%s%N)" >> '${gateLog}'
status=0
for f in db/* src/*; do
  [ -e "$f" ] || continue
  t="tests/$(basename "$f")"
  if [ ! -f "$t" ]; then echo "FAIL: $f has no test ($t)"; status=1; fi
done
[ $status -eq 0 ] && echo "all green"
exit $status
`;

/** The bundled `.orkestra/` tree (the default workflow and its prompts), as a project would commit it. */
async function orkestraTree(overrides: Record<string, string>): Promise<Record<string, string>> {
  const root = templatesDir();
  const files: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.posix.join('.orkestra', ...path.relative(root, file).split(path.sep))] = await readFile(file, 'utf8');
  }
  return { ...files, ...overrides };
}

const answer = (input: Record<string, unknown>, delayMs = 0): ScriptTurn => ({ tool_use: [{ name: 'StructuredOutput', input }], ...(delayMs > 0 && { delay_ms: delayMs }) });
const write = (file: string, content: string): ScriptTurn => ({ text: `Writing ${file}.`, tool_use: [{ name: 'Write', input: { file_path: `{{cwd}}/${file}`, content } }] });

const SQL_V1 = 'CREATE TABLE health (id int, status text);\n';
const SQL_V2 = 'CREATE TABLE health (id int PRIMARY KEY, status text NOT NULL);\n';
const SQL_TEST = "SELECT status FROM health WHERE id = 1; -- expects 'ok'\n";
const JS = "export const health = (db) => db.one('SELECT status FROM health WHERE id = 1');\n";
const JS_TEST = "import { health } from '../src/health.js';\n// health() answers the stored status\n";

let dir: string;
let harness: SchedulerHarness;
let server: ModelServer;
let agents: ScriptedAgents;
let runner: RunnerMachine | undefined;
let script: AgentScript = () => {
  throw new Error('no agent expected yet');
};
const remotes: Record<string, string> = {};
let shopWorkflow: string;
const gateLog = (project: string): string => path.join(dir, `${project}-gates.log`);

const now = (): string => new Date().toISOString();

function createTrak(trakId: string, projectId: string, yaml: string, flowName: string, title: string): TrakCommand {
  const { flow, subtaskFlows } = resolveFlowBundle(parseWorkflow(yaml, '.orkestra/workflow.yaml'), flowName);
  return {
    type: 'CreateTrak',
    data: { trakId, projectId, title, description: `${title}, with tests`, flow, subtaskFlows, baseBranch: 'main', branch: `ork/${trakId}`, autoMode: true },
    metadata: { now: now(), actor: 'alice' },
  };
}

/** The event types of a Trak, without `AgentRunStarted`: results are handled concurrently, so a run's start may land after its end. */
const eventsOf = async (trakId: string): Promise<string[]> => (await harness.eventTypes(trakId)).filter((type) => type !== 'AgentRunStarted');

const statusOf = async (trakId: string): Promise<TrakState['status']> => (await harness.state(trakId)).status;

async function branchOf(trakId: string): Promise<string> {
  const state = await harness.state(trakId);
  if (state.status === 'Initial') throw new Error(`no Trak ${trakId}`);
  return state.trak.branch;
}

/** A fresh clone of the project's remote at `branch`. */
async function checkout(project: string, branch: string): Promise<string> {
  const target = await mkdtemp(path.join(dir, `check-${project}-`));
  await execa('git', ['clone', '--quiet', '--branch', branch, remotes[project] ?? '', target]);
  return target;
}

/** Waits until every Trak is archived, or one is stuck (blocked, failed); returns their statuses. */
async function settled(trakIds: readonly string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses: string[] = await Promise.all(trakIds.map(statusOf));
    if (statuses.every((s) => s === 'Archived') || statuses.some((s) => ['Blocked', 'Failed', 'Cancelled', 'AwaitingAnswers'].includes(s)) || Date.now() > deadline) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const describeRun = (who: (trakId: string) => string) => (run: AgentRun) => `${who(run.trakId)} ${run.stage} ${run.start}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-scheduler-flow-'));
  harness = await SchedulerHarness.create();
  // The bundled workflow as bootstrapped, except that Traks merge into main on their own.
  shopWorkflow = (await readFile(path.join(templatesDir(), 'workflow.yaml'), 'utf8')).replaceAll('auto_merge: false', 'auto_merge: true');
  remotes['shop'] = await bareRemote(path.join(dir, 'shop'), await orkestraTree({ '.orkestra/workflow.yaml': shopWorkflow, '.orkestra/scripts/checks.sh': checksScript(gateLog('shop')), 'README.md': '# shop\n' }));
  remotes['notes'] = await bareRemote(path.join(dir, 'notes'), await orkestraTree({ '.orkestra/workflow.yaml': QUICK_WORKFLOW, '.orkestra/scripts/checks.sh': checksScript(gateLog('notes')), 'README.md': '# notes\n' }));
  server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
  agents = await startScriptedAgents(server, (run) => script(run));
  runner = await startRunnerMachine({ name: 'box-1', dir, nats: harness.nats, bus: harness.bus, modelUrl: agents.url, projects: remotes });
});

afterAll(async () => {
  await runner?.stop().catch((error: unknown) => console.error(String(error)));
  await agents?.close();
  await server?.close();
  await harness?.cleanup();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('a Trak on the bundled large flow, in auto mode, with a runner and real agents', () => {
  const P = 'shop-1';
  const S1 = `${P}-s1`;
  const S2 = `${P}-s2`;
  const who = (trakId: string): string => (trakId === P ? 'parent' : trakId === S1 ? 's1' : trakId === S2 ? 's2' : trakId);

  /** Plan, split into schema then endpoint; s1's gate fails once (no test) and its review rejects once (no primary key). */
  const shopAgents: AgentScript = (run) => {
    switch (`${who(run.trakId)} ${run.stage} ${run.attempt}`) {
      case 'parent planning 1':
        return [answer({ type: 'plan', content: 'Plan: a health table, then GET /health reading it.' })];
      case 'parent breakdown 1':
        return [
          answer({
            type: 'subtasks',
            content: 'Design: the table first, the endpoint on top of it.',
            subtasks: [
              { title: 'Schema', description: 'Add the health table', detailed_instructions: 'Create db/health.sql and its test', depends_on: [] },
              { title: 'Endpoint', description: 'Serve /health', detailed_instructions: 'Add src/health.js reading the table, and its test', depends_on: [0] },
            ],
          }),
        ];
      case 's1 work 1':
        return [write('db/health.sql', SQL_V1), answer({ type: 'summary', content: 'Added db/health.sql' })];
      case 's1 work 2':
        return [write('tests/health.sql', SQL_TEST), answer({ type: 'summary', content: 'Added tests/health.sql' })];
      case 's1 work 3':
        return [write('db/health.sql', SQL_V2), answer({ type: 'summary', content: 'health.id is the primary key now' })];
      case 's1 review 1':
        return [answer({ type: 'approval', decision: 'reject', content: 'health.id needs a primary key', route_to: 'work' })];
      case 's1 review 2':
      case 's2 review 1':
      case 'parent review 1':
        return [answer({ type: 'approval', decision: 'approve', content: 'Looks good' })];
      case 's2 work 1':
        return [
          { text: 'Reading my brief and the schema s1 merged.', tool_use: [{ name: 'Read', input: { file_path: '{{cwd}}/.orkestra/.artifacts/breakdown.md' } }, { name: 'Read', input: { file_path: '{{cwd}}/db/health.sql' } }] },
          write('src/health.js', JS),
          write('tests/health.js', JS_TEST),
          answer({ type: 'summary', content: 'Added src/health.js and its test' }),
        ];
      case 'parent work 1':
        return [write('CHANGELOG.md', '- GET /health reports the stored status\n'), answer({ type: 'summary', content: 'Both Subtraks merged; changelog updated' })];
      case 'parent compound 1':
        return [write('docs/learnings.md', 'Write the test with the table.\n'), answer({ type: 'learnings', content: 'Tests first next time' })];
      default:
        throw new Error(`no script for ${JSON.stringify(run)}`);
    }
  };

  let scheduler: SchedulerService | undefined;
  afterAll(async () => {
    await scheduler?.stop();
  });

  it('plans, splits into two dependent Subtraks, retries the gate and the review, and merges everything into main', async () => {
    script = shopAgents;
    scheduler = await harness.startScheduler();
    await harness.command(P, createTrak(P, 'shop', shopWorkflow, 'large', 'Add a health endpoint'));

    expect(await settled([P, S1, S2], 300_000)).toEqual(['Archived', 'Archived', 'Archived']);

    // Each agent ran once per job, in the order the flow implies: s2 only after s1, the parent's work only after both.
    expect(agents.runs().map(describeRun(who))).toEqual([
      'parent planning spawn',
      'parent breakdown spawn',
      's1 work spawn',
      's1 work gate_failure', // the same session, told what the gate said
      's1 review spawn',
      's1 work spawn', // a fresh session with the reviewer's feedback
      's1 review spawn',
      's2 work spawn',
      's2 review spawn',
      'parent work spawn',
      'parent review spawn',
      'parent compound spawn',
    ]);
    const s1Work = agents.runs().filter((r) => r.trakId === S1 && r.stage === 'work');
    expect(s1Work[1]?.sessionId).toBe(s1Work[0]?.sessionId);
    expect(s1Work[1]?.prompt).toContain('FAIL: db/health.sql has no test (tests/health.sql)');
    expect(s1Work[2]?.sessionId).not.toBe(s1Work[0]?.sessionId);
    expect(s1Work[2]?.prompt).toContain('health.id needs a primary key');
    // s2 got its own brief from the breakdown, in a worktree that already held s1's merged schema.
    const s2Work = agents.runs().find((r) => r.trakId === S2 && r.stage === 'work');
    const s2Calls = server.requests().filter((r) => r.kind === 'main' && r.sessionId === s2Work?.sessionId);
    expect(JSON.stringify(s2Calls.at(-1)?.body)).toContain('Add src/health.js reading the table, and its test');
    expect(JSON.stringify(s2Calls.at(-1)?.body)).toContain(JSON.stringify(SQL_V2).slice(1, -3));

    // Each Trak's history, stage by stage (see the helpers below the test).
    expect(await eventsOf(S1)).toEqual([
      'TrakCreated',
      ...run('GateFailed'),
      ...run('GatePassed'),
      'StageApproved', // work
      ...rejected,
      ...run('GatePassed'),
      'StageApproved', // work, again
      ...run(),
      'StageApproved', // review
      ...merged,
    ]);
    expect(await eventsOf(S2)).toEqual(['TrakCreated', 'DependencyCompleted', ...run('GatePassed'), 'StageApproved', ...run(), 'StageApproved', ...merged]);
    expect(await eventsOf(P)).toEqual([
      'TrakCreated',
      ...run(),
      'StageApproved', // planning
      'StageQueued',
      'AgentRunRequested',
      'AgentRunCompleted',
      'SubtraksProposed',
      'StageApproved',
      'SubtraksCreated', // breakdown
      'SubtrakCompleted',
      'SubtrakCompleted',
      ...run('GatePassed'),
      'StageApproved', // work
      ...run(),
      'StageApproved', // review
      ...run(),
      'StageApproved', // compound
      ...merged,
    ]);

    // The gate ran where the work was: s1 three times (the first failing), s2 and the parent once each.
    const gates = (await readFile(gateLog('shop'), 'utf8')).trim().split('\n').map((line) => line.split(' ')[0]);
    expect(gates).toEqual([S1, S1, S1, S2, P]);

    // What the agents wrote went from the Subtrak branches into the parent's branch, and from there into main.
    const main = await checkout('shop', 'main');
    expect(await readFile(path.join(main, 'db/health.sql'), 'utf8')).toBe(SQL_V2);
    expect(await readFile(path.join(main, 'tests/health.sql'), 'utf8')).toBe(SQL_TEST);
    expect(await readFile(path.join(main, 'src/health.js'), 'utf8')).toBe(JS);
    expect(await readFile(path.join(main, 'tests/health.js'), 'utf8')).toBe(JS_TEST);
    expect(await readFile(path.join(main, 'CHANGELOG.md'), 'utf8')).toBe('- GET /health reports the stored status\n');
    expect(await readFile(path.join(main, 'docs/learnings.md'), 'utf8')).toBe('Write the test with the table.\n');
    const git = async (...args: string[]): Promise<string> => (await execa('git', args, { cwd: main })).stdout;
    await git('fetch', '--quiet', 'origin');
    expect(await git('show', `origin/${await branchOf(S1)}:db/health.sql`)).toBe(SQL_V2.trimEnd());
    expect(await git('show', `origin/${await branchOf(S2)}:src/health.js`)).toBe(JS.trimEnd());
    await git('merge-base', '--is-ancestor', `origin/${await branchOf(P)}`, 'main');
    // The parent's branch lands on main as one commit and its merge.
    expect((await git('log', '--first-parent', '--format=%s', 'main')).split('\n')).toEqual(['Merge ork/shop-1: Add a health endpoint', 'seed']);
  });
});

/** One agent run of a stage that produces an artifact, then its gate if it has one. */
function run(gate?: 'GatePassed' | 'GateFailed'): string[] {
  return ['StageQueued', 'AgentRunRequested', 'AgentRunCompleted', 'ArtifactProduced', ...(gate !== undefined ? ['GateRunRequested', gate] : [])];
}

/** A review that sends the work back; in auto mode nobody has to confirm it. */
const rejected = ['StageQueued', 'AgentRunRequested', 'AgentRunCompleted', 'RejectionProposed', 'RejectionConfirmed'];

const merged = ['TrakDone', 'IntegrationRequested', 'IntegrationSucceeded'];

const QUICK_WORKFLOW = `version: 1
flows:
  quick:
    stages:
      - name: planning
        artifact: plan
        prompt: planner.md
      - name: work
        artifact: summary
        prompt: worker.md
        gate:
          command: "$ORKESTRA_PROJECT_ROOT/.orkestra/scripts/checks.sh"
          timeout_seconds: 60
    integration:
      on_failure: work
      auto_merge: true
`;

describe('a scheduler killed in the middle of a flow', () => {
  const T = 'notes-1';
  const schedulers: ServiceProcess[] = [];

  afterAll(async () => {
    for (const s of schedulers) {
      try {
        process.kill(-s.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('is replaced by a new one that finishes the Trak, and no job reaches the runners twice', async () => {
    script = (run) => {
      switch (`${run.stage} ${run.attempt}`) {
        case 'planning 1':
          // Slow enough for the scheduler to die while the agent works.
          return [answer({ type: 'plan', content: 'Plan: write the notes.' }, 3_000)];
        case 'work 1':
          return [write('NOTES.md', 'Notes of the day\n'), answer({ type: 'summary', content: 'Wrote NOTES.md' })];
        default:
          throw new Error(`no script for ${JSON.stringify(run)}`);
      }
    };

    const first = startSchedulerProcess({ databaseUrl: harness.database.url, nats: harness.nats, instance: 'scheduler-a' });
    schedulers.push(first);
    await harness.command(T, createTrak(T, 'notes', QUICK_WORKFLOW, 'quick', 'Write the notes'));

    // The first job is out and its agent is working: the scheduler dies.
    await eventually(() => expect(agents.runs().filter((r) => r.trakId === T)).toHaveLength(1), 60_000);
    process.kill(-first.pid, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Its agent is still at work, and nobody is there to hear how it ends.
    expect(await statusOf(T)).toBe('AgentRunning');

    const second = startSchedulerProcess({ databaseUrl: harness.database.url, nats: harness.nats, instance: 'scheduler-b' });
    schedulers.push(second);
    await eventually(async () => {
      if (second.child.exitCode !== null) throw new Error(`the second scheduler exited:\n${second.output()}`);
      expect(await statusOf(T)).toBe('Archived');
    }, 120_000);

    // Every job was done once: one agent session per agent job, one gate run, one merge.
    const runs = agents.runs().filter((r) => r.trakId === T);
    expect(runs.map((r) => `${r.stage} ${r.start}`)).toEqual(['planning spawn', 'work spawn']);
    const sessions = new Set(server.requests().filter((r) => r.kind === 'main' && runs.some((run) => run.sessionId === r.sessionId)).map((r) => r.sessionId));
    expect(sessions.size).toBe(2);
    expect((await readFile(gateLog('notes'), 'utf8')).trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${T} `))]);
    expect(await eventsOf(T)).toEqual(['TrakCreated', ...run(), 'StageApproved', ...run('GatePassed'), 'StageApproved', ...merged]);
    expect((await harness.eventTypes(T)).filter((type) => type === 'AgentRunStarted')).toHaveLength(2);
    const main = await checkout('notes', 'main');
    expect(await readFile(path.join(main, 'NOTES.md'), 'utf8')).toBe('Notes of the day\n');
    expect((await execa('git', ['log', '--first-parent', '--format=%s', 'main'], { cwd: main })).stdout.split('\n')).toEqual([`Merge ork/${T}: Write the notes`, 'seed']);
  });
});
