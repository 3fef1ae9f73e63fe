import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentBinaries, agentSandbox, commandLine, eventually, processesWith, startModelServer, startScriptedAgents } from '@orkestra/testing';
import type { AgentSandbox, AgentScript, ModelServer, ScriptTurn, ScriptedAgents } from '@orkestra/testing';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { ORK_MAIN, startOrkUp } from './support/ork-up-process.js';
import type { UpProcess } from './support/ork-up-process.js';

// Issue 13's acceptance, as a newcomer lives it: `ork init` in a repository, `ork up` (the built
// CLI as a child process, a fresh data dir, free ports, the embedded Postgres and in-process bus,
// its one runner driving the real Claude Code CLI against the scripted model), then only `ork`:
// add the project, create a Trak, answer the planner, reject the work once, approve each stage,
// merge; the change lands on the remote's main. Then `kill -9` of `ork up` in the middle of an
// agent's run: the next `ork up` stops what its first life left running before it takes work,
// runs the stage once more, and the Trak finishes.
jest.setTimeout(400_000);

const main = ORK_MAIN;

const answer = (input: Record<string, unknown>): ScriptTurn => ({ tool_use: [{ name: 'StructuredOutput', input }] });
const write = (file: string, content: string): ScriptTurn => ({ text: `Writing ${file}.`, tool_use: [{ name: 'Write', input: { file_path: `{{cwd}}/${file}`, content } }] });

const FEEDBACK = 'Add a test for the endpoint too.';
let doomedTrak = '';
/** The agent processes of the killed ork up, and which of them still ran when the stage's next run reached the model. */
let firstLife: number[] = [];
let aliveAtSecondRun: string[] | undefined;

// The default flow `ork init` writes: planning → work (checks.sh gate) → review (an agent's verdict).
const script: AgentScript = (run) => {
  if (run.trakId === doomedTrak) {
    switch (`${run.stage} ${run.attempt}`) {
      case 'planning 1':
        return [answer({ type: 'plan', content: 'Plan: a version file.' })];
      // The first life of the work stage hangs on the model until ork up is killed under it.
      case 'work 1':
        return [{ text: 'Thinking it over…', delay_ms: 120_000 }];
      case 'work 2':
        aliveAtSecondRun = described(firstLife.filter(alive));
        return [write('VERSION', '1.0.0\n'), answer({ type: 'summary', content: 'Added VERSION' })];
      case 'review 1':
        return [answer({ type: 'approval', decision: 'approve', content: 'Fine.' })];
    }
  }
  switch (`${run.stage} ${run.attempt}`) {
    case 'planning 1':
      return [answer({ type: 'questions', questions: [{ question: 'JSON or plain text?', options: [{ label: 'JSON' }, { label: 'Plain text' }] }] })];
    case 'planning 2':
      return [answer({ type: 'plan', content: 'Plan: GET /health answers {"status":"ok"} as JSON.' })];
    case 'work 1':
      return [write('src/health.js', 'export const health = () => ({ status: "ok" });\n'), answer({ type: 'summary', content: 'Added src/health.js' })];
    case 'work 2':
      return [write('tests/health.test.js', 'import { health } from "../src/health.js";\n'), answer({ type: 'summary', content: 'Added the test' })];
    case 'review 1':
      return [answer({ type: 'approval', decision: 'approve', content: 'Looks right.' })];
  }
  throw new Error(`no script for ${JSON.stringify(run)}`);
};

let dir: string;
let home: string;
let remote: string;
let server: ModelServer;
let agents: ScriptedAgents;
let sandbox: AgentSandbox;
let upEnv: Record<string, string>;
let current: UpProcess | undefined;
let token: string;
let graphqlUrl: string;
/** After a restart on other free ports, the stored login names the old ones: ork is told the new URL. */
let moved = false;

const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd, env: { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' } });

/** `ork <args>` as a user types it (the built CLI, `--json` for the spec to read), with the login `ork up` stored. */
async function ork(...args: string[]): Promise<{ exitCode: number; json: unknown; stderr: string }> {
  const result = await execa(process.execPath, [main, '--json', ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: sandbox.home, ORK_HOME: home, ...(moved && { ORK_SERVER: graphqlUrl, ORK_TOKEN: token }) },
    extendEnv: false,
    reject: false,
  });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  return { exitCode: result.exitCode ?? -1, json: line === '' ? undefined : JSON.parse(line), stderr: result.stderr };
}

async function orkOk(...args: string[]): Promise<unknown> {
  const result = await ork(...args);
  if (result.exitCode !== 0) throw new Error(`ork ${args.join(' ')} exited with ${result.exitCode}: ${JSON.stringify(result.json)} ${result.stderr}`);
  return result.json;
}

const up = (): UpProcess => startOrkUp(upEnv);

interface TrakState {
  readonly status: string;
  readonly stage: string | null;
  readonly iteration: number | null;
  readonly needsHuman: { readonly kind: string } | null;
}

/** The Trak as the api has it (read straight, to keep the spec's polling cheap; every action goes through `ork`). */
async function trakState(id: string): Promise<TrakState> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query($id: ID!) { trak(id: $id) { status stage iteration needsHuman { kind } } }', variables: { id } }),
  });
  const body = (await response.json()) as { data?: { trak: TrakState }; errors?: unknown };
  if (body.data === undefined) throw new Error(JSON.stringify(body.errors));
  return body.data.trak;
}

async function until(id: string, expected: Partial<TrakState>, timeoutMs = 120_000): Promise<TrakState> {
  let last: TrakState | undefined;
  await eventually(async () => {
    last = await trakState(id);
    expect(last).toMatchObject(expected);
  }, timeoutMs);
  return last!;
}

/** The agent CLI processes of this spec (their environment names the scripted model's URL). */
const agentProcesses = (): number[] => processesWith(`ANTHROPIC_BASE_URL=${agents.url}`);

/** Those working in a Trak's worktree (`<runner data dir>/worktrees/<project>/<trak id>`), as `pid: command` for a readable failure. */
const agentsOf = (trakId: string): number[] =>
  agentProcesses().filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).includes(`/worktrees/shop/${trakId}`);
    } catch {
      return false;
    }
  });
const described = (pids: readonly number[]): string[] => pids.map((pid) => `${pid}: ${commandLine(pid)}`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ork-flow-'));
  // As root, the embedded Postgres runs as the OS user postgres, which must pass through here.
  await chmod(dir, 0o755);
  home = path.join(dir, 'home');
  await mkdir(home);

  // A repository with `ork init`'s .orkestra/ committed, pushed to a bare remote.
  const repo = path.join(dir, 'shop');
  await mkdir(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'README.md'), '# shop\n');
  const init = await execa(process.execPath, [main, 'init'], { cwd: repo, reject: false, env: { PATH: process.env['PATH'] ?? '', ORK_HOME: home } });
  expect({ exitCode: init.exitCode, stderr: init.stderr }).toEqual({ exitCode: 0, stderr: '' });
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'ork init');
  remote = path.join(dir, 'shop.git');
  await git(dir, 'clone', '-q', '--bare', repo, remote);

  server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
  agents = await startScriptedAgents(server, script);
  sandbox = await agentSandbox();
  const runnerConfig = path.join(dir, 'runner.yaml');
  await writeFile(runnerConfig, stringify({ agents: { claudecode: agentBinaries().claude } }));
  upEnv = sandbox.env({
    ORK_HOME: home,
    ORK_RUNNER_CONFIG_FILE: runnerConfig,
    ORK_RUNNER_NAME: 'laptop',
    ANTHROPIC_BASE_URL: agents.url,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CODE_MAX_RETRIES: '0',
  });

  current = up();
  const ready = await current.ready;
  expect(ready.adminToken).toMatch(/^ork_/);
  token = ready.adminToken!;
  graphqlUrl = ready.graphqlUrl;
}, 180_000);

afterAll(async () => {
  if (current !== undefined && current.child.exitCode === null) {
    current.child.kill('SIGINT');
    await current.exited;
  }
  for (const pid of [...processesWith(`ORK_HOME=${home}`), ...agentProcesses()]) process.kill(pid, 'SIGKILL');
  await agents?.close();
  await server?.close();
  await sandbox?.cleanup();
  if (dir !== undefined && process.env["KEEP"] === undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

describe('a newcomer: ork init, ork up, and a Trak driven with ork from creation to merge', () => {
  it('answers the planner, rejects the work once with feedback, approves each stage, merges; the change is on main', async () => {
    await orkOk('project', 'add', remote, '--id', 'shop', '--name', 'Shop');
    const created = (await orkOk('trak', 'create', '-p', 'shop', '-t', 'Health endpoint', '-d', 'Serve GET /health')) as { trak: { id: string; status: string } };
    const id = created.trak.id;
    expect(created.trak.status).toBe('Queued');

    // The planner asks; the person answers with ork, and the planner comes back with a plan.
    await until(id, { status: 'AwaitingAnswers', stage: 'planning' });
    const shown = (await orkOk('trak', 'show', id)) as { trak: { questions: { question: string }[] } };
    expect(shown.trak.questions.map((q) => q.question)).toEqual(['JSON or plain text?']);
    await orkOk('trak', 'answer', id, '-a', 'JSON');
    await until(id, { status: 'AwaitingApproval', stage: 'planning' });
    await orkOk('trak', 'approve', id);

    // The work passes its gate (checks.sh) and waits for review; rejected once with feedback.
    await until(id, { status: 'AwaitingApproval', stage: 'work' });
    await orkOk('trak', 'reject', id, '-f', FEEDBACK);
    await eventually(() => expect(agents.runs().filter((r) => r.trakId === id && r.stage === 'work')).toHaveLength(2), 120_000);
    expect(agents.runs().find((r) => r.trakId === id && r.stage === 'work' && r.attempt === 2)!.prompt).toContain(FEEDBACK);
    await until(id, { status: 'AwaitingApproval', stage: 'work', iteration: 2 });
    await orkOk('trak', 'approve', id);

    // The reviewing agent approves; the person confirms; then merges.
    await until(id, { status: 'AwaitingApproval', stage: 'review' });
    await orkOk('trak', 'approve', id);
    await until(id, { status: 'Done' });
    await orkOk('trak', 'merge', id);
    await until(id, { status: 'Archived' });

    const { stdout: files } = await git(remote, 'ls-tree', '-r', '--name-only', 'main');
    expect(files.split('\n')).toEqual(expect.arrayContaining(['src/health.js', 'tests/health.test.js', '.orkestra/workflow.yaml']));
    // Refusals are clear and end with their documented code: an unknown Trak, a command the Trak is past.
    expect(await ork('trak', 'show', 'no-such-trak')).toMatchObject({ exitCode: 6 });
    expect(await ork('trak', 'approve', id)).toMatchObject({ exitCode: 7 });
  });

  it('given ork up killed with -9 while an agent works, when started again, then the old agent is stopped before work resumes, the stage runs once more and the Trak finishes', async () => {
    const created = (await orkOk('trak', 'create', '-p', 'shop', '-t', 'Version file', '-d', 'Add VERSION')) as { trak: { id: string } };
    doomedTrak = created.trak.id;
    await until(doomedTrak, { status: 'AwaitingApproval', stage: 'planning' });
    await orkOk('trak', 'approve', doomedTrak);
    // The work stage's agent is waiting on the model, its turn held back.
    await eventually(() => expect(agents.runs().filter((r) => r.trakId === doomedTrak && r.stage === 'work')).toHaveLength(1), 120_000);
    await eventually(() => expect(agentsOf(doomedTrak).length).toBeGreaterThan(0), 30_000);
    firstLife = agentsOf(doomedTrak);

    current!.child.kill('SIGKILL');
    await current!.exited;
    // What a killed ork up leaves: its agent, still running.
    expect(firstLife.filter(alive)).toEqual(firstLife);

    current = up();
    graphqlUrl = (await current.ready).graphqlUrl;
    moved = true;
    await until(doomedTrak, { status: 'AwaitingApproval', stage: 'work' });
    // The stage ran once more, and by then the first life's agent was gone.
    expect(agents.runs().filter((r) => r.trakId === doomedTrak && r.stage === 'work')).toHaveLength(2);
    expect(aliveAtSecondRun).toEqual([]);
    await orkOk('trak', 'approve', doomedTrak);
    await until(doomedTrak, { status: 'AwaitingApproval', stage: 'review' });
    await orkOk('trak', 'approve', doomedTrak);
    await until(doomedTrak, { status: 'Done' });
    await orkOk('trak', 'merge', doomedTrak);
    await until(doomedTrak, { status: 'Archived' });
    const { stdout } = await git(remote, 'show', 'main:VERSION');
    expect(stdout).toBe('1.0.0');
    expect(described(firstLife.filter(alive))).toEqual([]);
  });
});

/** Whether the process still runs: a zombie (dead, not yet reaped by whoever inherited it) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
