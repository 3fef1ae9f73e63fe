import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { agentBinaries, agentSandbox, OPENCODE_MODEL, startModelServer, type AgentSandbox, type ModelServer } from '../src/index.js';

// The real Claude Code and OpenCode CLIs, offline, against the project's scripted model server.

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const binaries = agentBinaries();

async function gitRepo(sandbox: AgentSandbox): Promise<string> {
  const repo = path.join(sandbox.root, 'repo');
  mkdirSync(repo);
  await execa('git', ['init', '-q'], { cwd: repo });
  return repo;
}

const jsonLines = (stdout: string): Event[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Event);

describe('Claude Code against the anthropic model server', () => {
  let server: ModelServer;
  let sandbox: AgentSandbox;
  let repo: string;

  beforeAll(async () => {
    server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    server.reset();
    sandbox = await agentSandbox();
    repo = await gitRepo(sandbox);
  });
  afterEach(() => sandbox.cleanup());

  async function claude(prompt: string, args: string[] = [], extraEnv: Record<string, string> = {}) {
    const env = sandbox.env({ IS_SANDBOX: '1', ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'test-key', ...extraEnv });
    const run = await execa(binaries.claude, ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions', ...args], {
      cwd: repo,
      env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      timeout: 30_000,
    });
    const events = jsonLines(run.stdout);
    const result = events.find((e) => e.type === 'result');
    if (!result) throw new Error(`claude printed no result (exit ${run.exitCode}): ${run.stderr || run.stdout}`);
    return { exitCode: run.exitCode, events, init: events.find((e) => e.type === 'system' && e.subtype === 'init'), result };
  }

  it('writes a file through a scripted Write call and ends with the last turn', async () => {
    server.setScript({
      turns: [{ text: "I'll create the file.", tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/hello.txt', content: 'hello from turn {{n}}\n' } }] }, 'done'],
    });

    const run = await claude('create hello.txt');

    expect(run.exitCode).toBe(0);
    expect(readFileSync(path.join(repo, 'hello.txt'), 'utf8')).toBe('hello from turn 0\n');
    expect(run.result).toMatchObject({ subtype: 'success', is_error: false, result: 'done', num_turns: 2, session_id: run.init?.session_id });
    expect(run.result.usage.output_tokens).toBeGreaterThan(0);
    const toolResult = run.events.find((e) => e.type === 'user')?.message.content[0];
    expect(toolResult).toMatchObject({ type: 'tool_result', content: expect.stringContaining('File created successfully') });

    const requests = server.requests();
    expect(requests.map((r) => [r.method, r.path, r.kind, r.turnIndex])).toEqual([
      ['POST', '/v1/messages?beta=true', 'main', 0],
      ['POST', '/v1/messages?beta=true', 'main', 1],
    ]);
    expect(requests.every((r) => r.sessionId === run.init?.session_id && r.cwd === repo)).toBe(true);
  }, 40_000);

  it('ends with structured_output when the script calls StructuredOutput under --json-schema', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' }, summary: { type: 'string' } }, required: ['answer', 'summary'] };
    server.setScript({ turns: [{ tool_use: [{ name: 'StructuredOutput', input: { answer: 42, summary: 'all good' } }] }], after: 'done' });

    const run = await claude('answer in JSON', ['--json-schema', JSON.stringify(schema)]);

    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({ subtype: 'success', is_error: false, structured_output: { answer: 42, summary: 'all good' } });
    const tools = (server.requests()[0]?.body as { tools: Array<{ name: string; input_schema: unknown }> }).tools;
    expect(tools.find((t) => t.name === 'StructuredOutput')?.input_schema).toMatchObject(schema);
    expect(server.requests()).toHaveLength(1); // the StructuredOutput call ends the run, no further request
  }, 40_000);

  it('ends with exit 1 and the status on a scripted API error', async () => {
    server.setScript({ turns: [{ error: { status: 529, message: 'scripted overload' } }] });

    const run = await claude('hello', [], { CLAUDE_CODE_MAX_RETRIES: '1' });

    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ is_error: true, terminal_reason: 'api_error', api_error_status: 529, result: expect.stringContaining('scripted overload') });
    expect(server.requests().map((r) => r.reply?.status)).toEqual([529, 529]); // one retry
  }, 40_000);

  it('--resume continues the session: same session_id, and the turn index keeps counting', async () => {
    server.setScript({ turns: ['first answer {{n}}', 'second answer {{n}}'] });
    const first = await claude('hello');
    expect(first.result).toMatchObject({ result: 'first answer 0', is_error: false });
    const sessionId = first.init?.session_id as string;

    const second = await claude('again', ['--resume', sessionId]);

    expect(second.exitCode).toBe(0);
    expect(second.init?.session_id).toBe(sessionId);
    expect(second.result).toMatchObject({ session_id: sessionId, result: 'second answer 1' });
    expect(server.requests().map((r) => [r.sessionId, r.turnIndex])).toEqual([
      [sessionId, 0],
      [sessionId, 1],
    ]);
  }, 40_000);

  it('gives parallel runs their own script by session id (--session-id)', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    server.setScript({ turns: ['default script'] });
    for (const [id, file] of [
      [a, 'a.txt'],
      [b, 'b.txt'],
    ] as const) {
      server.setScript({ turns: [{ tool_use: [{ name: 'Write', input: { file_path: `{{cwd}}/${file}`, content: `${file}\n` } }] }, `wrote ${file}`] }, { sessionId: id });
    }

    const [runA, runB] = await Promise.all([claude('write a', ['--session-id', a]), claude('write b', ['--session-id', b])]);

    expect([runA.result.result, runB.result.result]).toEqual(['wrote a.txt', 'wrote b.txt']);
    expect([runA.result.session_id, runB.result.session_id]).toEqual([a, b]);
    expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('a.txt\n');
    expect(readFileSync(path.join(repo, 'b.txt'), 'utf8')).toBe('b.txt\n');
    expect(server.requests().filter((r) => r.sessionId === a)).toHaveLength(2);
    expect(server.requests().filter((r) => r.sessionId === b)).toHaveLength(2);
  }, 40_000);
});

describe('OpenCode against the openai model server', () => {
  let server: ModelServer;
  let sandbox: AgentSandbox;
  let repo: string;

  beforeAll(async () => {
    server = await startModelServer({ protocol: 'openai', script: { turns: ['unused'], side: 'Scripted title' } });
    sandbox = await agentSandbox();
    repo = await gitRepo(sandbox);
  });
  afterAll(async () => {
    await server.close();
    await sandbox.cleanup();
  });

  async function opencode(prompt: string, args: string[] = []) {
    const env = sandbox.env({ OPENCODE_CONFIG: sandbox.opencodeConfig(server.url) });
    const run = await execa(binaries.opencode, ['run', prompt, '--format', 'json', '-m', OPENCODE_MODEL, ...args], {
      cwd: repo,
      env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      timeout: 30_000,
    });
    const events = jsonLines(run.stdout);
    if (events.length === 0) throw new Error(`opencode printed no events (exit ${run.exitCode}): ${run.stderr}`);
    return { exitCode: run.exitCode, events, sessionID: events[0]?.sessionID as string };
  }

  it('writes a file through a scripted write call, and -s continues the session', async () => {
    server.setScript({
      turns: [{ text: "I'll create the file.", tool_calls: [{ name: 'write', arguments: { filePath: '{{cwd}}/hello.txt', content: 'hello from opencode\n' } }] }, 'done {{n}}'],
      side: 'Scripted title',
    });

    const first = await opencode('create hello.txt');

    expect(first.exitCode).toBe(0);
    expect(first.sessionID).toMatch(/^ses_/);
    expect(first.events.every((e) => e.sessionID === first.sessionID)).toBe(true);
    expect(readFileSync(path.join(repo, 'hello.txt'), 'utf8')).toBe('hello from opencode\n');
    const tool = first.events.find((e) => e.type === 'tool_use')?.part;
    expect(tool).toMatchObject({ tool: 'write', state: { status: 'completed', input: { filePath: path.join(repo, 'hello.txt') } } });
    expect(first.events.filter((e) => e.type === 'text').map((e) => e.part.text)).toEqual(["I'll create the file.", 'done 1']);
    expect(first.events.at(-1)).toMatchObject({ type: 'step_finish', part: { reason: 'stop' } });
    expect(first.events.find((e) => e.type === 'step_finish')?.part.tokens.output).toBeGreaterThan(0);
    const firstRequests = server.requests();
    expect(firstRequests.filter((r) => r.kind === 'main').map((r) => [r.turnIndex, r.cwd, r.sessionId])).toEqual([
      [0, repo, first.sessionID],
      [1, repo, first.sessionID],
    ]);
    expect(firstRequests.some((r) => r.kind === 'side' && r.reply?.events !== undefined)).toBe(true); // the title call

    // OpenCode sends its session id in `x-session-id`, so the continuation can get its own script.
    server.setScript({ turns: ['continued {{n}}'] }, { sessionId: first.sessionID });
    server.reset();
    const second = await opencode('and now?', ['-s', first.sessionID]);

    expect(second.exitCode).toBe(0);
    expect(second.sessionID).toBe(first.sessionID);
    expect(second.events.filter((e) => e.type === 'text').map((e) => e.part.text)).toEqual(['continued 2']);
    expect(server.requests().filter((r) => r.kind === 'main').map((r) => [r.turnIndex, r.sessionId])).toEqual([[2, first.sessionID]]);
  }, 50_000);

  it('ends with exit 1 and an APIError event on a scripted 400 (not retried)', async () => {
    server.reset();
    server.setScript({ turns: [{ error: { status: 400, message: 'scripted bad request' } }] });

    const run = await opencode('hello');

    expect(run.exitCode).toBe(1);
    expect(run.events.find((e) => e.type === 'error')).toMatchObject({
      sessionID: run.sessionID,
      error: { name: 'APIError', data: { statusCode: 400, message: expect.stringContaining('scripted bad request') } },
    });
    expect(server.requests().filter((r) => r.kind === 'main')).toHaveLength(1);
  }, 30_000);
});
