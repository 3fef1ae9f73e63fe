import { openCodeAdapter } from '../src/adapters/opencode.adapter.js';
import type { AgentExit, AgentLogEntry } from '../src/adapters/agent.types.js';

const SESSION = 'ses_df1c1dd0affeq4YklGFR8Xd4rR';
const clean: AgentExit = { exitCode: 0, timedOut: false, stalled: false, aborted: false, stderrTail: '' };
const line = (type: string, part: object = {}, extra: object = {}): string => JSON.stringify({ type, timestamp: 1, sessionID: SESSION, part, ...extra });

const text = (t: string) => line('text', { type: 'text', text: t });
const wrote = line('tool_use', { type: 'tool', tool: 'write', callID: 'call_1', state: { status: 'completed', input: { filePath: '/w/a.txt', content: 'hi' }, output: 'Wrote file successfully.' } });
const step = (reason: string, input: number, output: number, cost = 0) => line('step_finish', { reason, tokens: { input, output, cache: { read: 0, write: 0 } }, cost });

function run(lines: string[], exit: AgentExit = clean) {
  const reader = openCodeAdapter.reader();
  const entries: AgentLogEntry[] = lines.flatMap((l) => reader.read(l));
  return { entries, outcome: reader.finish(exit) };
}

describe('calling OpenCode', () => {
  const base = { cwd: '/w', userPrompt: 'Do the work', systemPrompt: 'You are the worker.', disallowedTools: [] as string[] };

  it('puts the system prompt before the task in a new session', () => {
    const call = openCodeAdapter.invocation({ ...base, session: { mode: 'new' }, model: 'fake/fake-model' });
    expect(call.args).toEqual(['run', '--format', 'json', '--model', 'fake/fake-model']);
    expect(call.stdin).toBe('You are the worker.\n\nDo the work');
    expect(call.env).toMatchObject({ OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' });
  });

  it('resumes with --session and leaves the system prompt out; refused tools are asked for in words', () => {
    const call = openCodeAdapter.invocation({ ...base, session: { mode: 'resume', sessionId: SESSION }, disallowedTools: ['bash'] });
    expect(call.args).toEqual(['run', '--format', 'json', '--session', SESSION]);
    expect(call.stdin).toBe('Do not use these tools: bash.\n\nDo the work');
  });
});

describe('reading OpenCode’s stream', () => {
  it('names the session, shows text and tools, adds up every step’s tokens, and answers with the last text', () => {
    const { entries, outcome } = run([line('step_start'), text('I will create the file.'), wrote, step('tool-calls', 2456, 60, 0.01), line('step_start'), text('```ork\n{"type":"artifact","content":"x"}\n```'), step('stop', 2500, 20, 0.02)]);
    expect(entries.map((e) => e.kind)).toEqual(['session', 'text', 'tool_use', 'tool_result', 'usage', 'text', 'usage']);
    expect(entries[2]).toMatchObject({ tool: 'write', id: 'call_1' });
    expect(outcome).toEqual({
      kind: 'answered',
      sessionId: SESSION,
      text: '```ork\n{"type":"artifact","content":"x"}\n```',
      usage: { inputTokens: 4956, outputTokens: 80, costUsd: 0.03 },
    });
  });

  it('reports a 429 from the provider as RateLimited, and other API errors as ApiError', () => {
    const error = (statusCode: number, message: string) => line('error', {}, { error: { name: 'APIError', data: { message, statusCode, isRetryable: false } } });
    expect(run([error(429, 'Too many requests')], { ...clean, exitCode: 1 }).outcome).toMatchObject({ kind: 'failed', reason: 'RateLimited', message: 'Too many requests', sessionId: SESSION });
    expect(run([error(400, 'scripted bad request')], { ...clean, exitCode: 1 }).outcome).toMatchObject({ kind: 'failed', reason: 'ApiError', message: 'scripted bad request' });
  });

  it('does not count a run that never finished its last step as answered', () => {
    expect(run([line('step_start'), text('half way')]).outcome).toMatchObject({ kind: 'failed', reason: 'Exited' });
  });
});
