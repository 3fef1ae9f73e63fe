import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { execa } from 'execa';
import { OPENCODE_MODEL, agentBinaries, agentSandbox, startModelServer } from '@orkestra/testing';
import type { AgentSandbox, ModelServer } from '@orkestra/testing';
import { claudeCodeAdapter } from '../src/adapters/claude-code.adapter.js';
import { openCodeAdapter } from '../src/adapters/opencode.adapter.js';
import { runAgent } from '../src/adapters/run-agent.js';
import type { AgentLogEntry } from '../src/adapters/agent.types.js';

// The runner's agent layer driving the real Claude Code and OpenCode CLIs against the project's
// scripted model server: no imitation of either CLI anywhere.
const binaries = agentBinaries();
// Real CLIs on a shared, busy machine: a Claude run takes about a second, an OpenCode run 3 to 9.
jest.setTimeout(90_000);
const SCHEMA = { type: 'object', properties: { type: { const: 'artifact' }, content: { type: 'string' } }, required: ['type', 'content'] };

let sandbox: AgentSandbox;
let repo: string;

beforeEach(async () => {
  sandbox = await agentSandbox();
  repo = await mkdtemp(path.join(os.tmpdir(), 'ork-agent-repo-'));
  await execa('git', ['init', '-q'], { cwd: repo });
});

afterEach(async () => {
  await sandbox.cleanup();
  await rm(repo, { recursive: true, force: true });
});

describe('Claude Code through the runner', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
  });
  afterAll(async () => server.close());

  const env = (extra: Record<string, string> = {}) =>
    sandbox.env({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'test-key', CLAUDE_CODE_MAX_RETRIES: '0', ...extra });

  it('writes a file, names its session before anything else, and answers through StructuredOutput; a second run resumes the session', async () => {
    const sessionId = globalThis.crypto.randomUUID();
    server.setScript({
      turns: [
        { text: 'Writing the plan.', tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/plan.md', content: '# Plan\n' } }] },
        { tool_use: [{ name: 'StructuredOutput', input: { type: 'artifact', content: 'The plan is in plan.md' } }] },
        { tool_use: [{ name: 'StructuredOutput', input: { type: 'artifact', content: 'Revised' } }] },
      ],
    });
    const entries: AgentLogEntry[] = [];
    const request = { cwd: repo, userPrompt: 'Plan the work', systemPrompt: 'You are the planner.', outputSchema: SCHEMA, disallowedTools: [], executable: binaries.claude };

    const first = await runAgent({ adapter: claudeCodeAdapter, request: { ...request, session: { mode: 'new', sessionId } }, env: env(), timeoutMs: 60_000, onEntry: (e) => entries.push(e) });

    expect(entries[0]).toEqual({ kind: 'session', sessionId });
    expect(entries.filter((e) => e.kind === 'tool_use').map((e) => e.kind === 'tool_use' && e.tool)).toEqual(['Write']);
    expect(await readFile(path.join(repo, 'plan.md'), 'utf8')).toBe('# Plan\n');
    expect(first).toMatchObject({ kind: 'answered', sessionId, structured: { type: 'artifact', content: 'The plan is in plan.md' } });
    const main = server.requests().filter((r) => r.kind === 'main');
    expect(JSON.stringify(main[0]!.body)).toContain('You are the planner.');

    const second = await runAgent({ adapter: claudeCodeAdapter, request: { ...request, userPrompt: 'Fix it', session: { mode: 'resume', sessionId } }, env: env(), timeoutMs: 60_000 });
    expect(second).toMatchObject({ kind: 'answered', sessionId, structured: { type: 'artifact', content: 'Revised' } });
  });

  it('maps a rate limit and an overloaded API to typed failures', async () => {
    const request = { cwd: repo, userPrompt: 'hello', disallowedTools: [], executable: binaries.claude, session: { mode: 'new' as const } };
    server.setScript({ turns: [{ error: { status: 429, type: 'rate_limit_error', message: 'scripted rate limit' } }] });
    expect(await runAgent({ adapter: claudeCodeAdapter, request, env: env(), timeoutMs: 60_000 })).toMatchObject({ kind: 'failed', reason: 'RateLimited' });

    server.setScript({ turns: [{ error: { status: 529, type: 'overloaded_error', message: 'scripted overload' } }] });
    expect(await runAgent({ adapter: claudeCodeAdapter, request, env: env(), timeoutMs: 60_000 })).toMatchObject({ kind: 'failed', reason: 'ApiError' });
  });

  it('stops a run past its time limit and leaves no process behind', async () => {
    server.setScript({ turns: [{ text: 'thinking', delay_ms: 30_000 }] });
    const started = Date.now();
    const outcome = await runAgent({
      adapter: claudeCodeAdapter,
      request: { cwd: repo, userPrompt: 'hello', disallowedTools: [], executable: binaries.claude, session: { mode: 'new' } },
      env: env(),
      timeoutMs: 3_000,
    });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'TimedOut' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const { stdout } = await execa('ps', ['-eo', 'args'], { reject: false });
    expect(stdout.split('\n').filter((line) => line.includes(repo) || (line.includes(binaries.claude) && line.includes('hello')))).toEqual([]);
  });

  it('says a CLI that cannot start failed to spawn', async () => {
    const outcome = await runAgent({
      adapter: claudeCodeAdapter,
      request: { cwd: repo, userPrompt: 'hello', disallowedTools: [], executable: '/nonexistent/claude', session: { mode: 'new' } },
      env: env(),
      timeoutMs: 5_000,
    });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'SpawnFailed' });
  });
});

describe('OpenCode through the runner', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ protocol: 'openai', script: { turns: ['unused'] } });
  });
  afterAll(async () => server.close());

  it('writes a file and answers in an ork block, reporting its session and tokens; an API error is typed', async () => {
    server.setScript({
      side: 'Fake title',
      turns: [
        { text: 'Writing.', tool_calls: [{ name: 'write', arguments: { filePath: '{{cwd}}/notes.md', content: 'notes\n' } }] },
        'Done.\n```ork\n{"type":"artifact","content":"Notes written"}\n```',
      ],
    });
    const config = await sandbox.opencodeConfig(server.url);
    const env = sandbox.env({ OPENCODE_CONFIG: config });
    const request = { cwd: repo, userPrompt: 'Write notes', systemPrompt: 'You are the worker.', model: OPENCODE_MODEL, disallowedTools: [], executable: binaries.opencode };
    const entries: AgentLogEntry[] = [];

    const outcome = await runAgent({ adapter: openCodeAdapter, request: { ...request, session: { mode: 'new' } }, env, timeoutMs: 60_000, onEntry: (e) => entries.push(e) });

    expect(entries[0]?.kind).toBe('session');
    expect(await readFile(path.join(repo, 'notes.md'), 'utf8')).toBe('notes\n');
    expect(outcome).toMatchObject({ kind: 'answered', text: expect.stringContaining('"content":"Notes written"') });
    expect(outcome.kind === 'answered' && outcome.sessionId).toMatch(/^ses_/);
    expect(outcome.usage?.inputTokens).toBeGreaterThan(0);

    server.setScript({ side: 'Fake title', turns: [{ error: { status: 400, type: 'invalid_request_error', message: 'scripted bad request' } }] });
    const failed = await runAgent({ adapter: openCodeAdapter, request: { ...request, session: { mode: 'new' } }, env, timeoutMs: 60_000 });
    expect(failed).toMatchObject({ kind: 'failed', reason: 'ApiError' });
  });
});
