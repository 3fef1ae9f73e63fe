import { claudeCodeAdapter } from '../src/adapters/claude-code.adapter.js';
import type { AgentExit, AgentLogEntry } from '../src/adapters/agent.types.js';

const SESSION = 'e6624e16-5a39-4eb6-b49a-c1a86f95b1a6';
const clean: AgentExit = { exitCode: 0, timedOut: false, stalled: false, aborted: false, stderrTail: '' };
const line = (event: object): string => JSON.stringify({ session_id: SESSION, ...event });

const init = line({ type: 'system', subtype: 'init', cwd: '/w', model: 'claude-opus-5-5' });
const said = (text: string, parent: string | null = null) => line({ type: 'assistant', parent_tool_use_id: parent, message: { content: [{ type: 'text', text }] } });
const called = (name: string, input: object) => line({ type: 'assistant', parent_tool_use_id: null, message: { content: [{ type: 'tool_use', id: 'toolu_1', name, input }] } });
const toolResult = (content: string) => line({ type: 'user', parent_tool_use_id: null, message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content }] } });
const result = (extra: object) =>
  line({ type: 'result', subtype: 'success', is_error: false, result: 'done', total_cost_usd: 0.039, usage: { input_tokens: 100, cache_read_input_tokens: 20, output_tokens: 30 }, ...extra });

function run(lines: string[], exit: AgentExit = clean) {
  const reader = claudeCodeAdapter.reader();
  const entries: AgentLogEntry[] = lines.flatMap((l) => reader.read(l));
  return { entries, outcome: reader.finish(exit), sessionId: reader.sessionId };
}

describe('calling Claude Code', () => {
  const base = { cwd: '/w', userPrompt: 'Do the work', disallowedTools: ['WebFetch'] } as const;

  it('starts a new session under our id, with the schema, the system prompt and the refused tools', () => {
    const call = claudeCodeAdapter.invocation({ ...base, session: { mode: 'new', sessionId: SESSION }, model: 'claude-sonnet-4-6', outputSchema: { type: 'object' }, systemPrompt: 'You are the planner.' });
    expect(call.command).toBe('claude');
    expect(call.stdin).toBe('Do the work');
    expect(call.args).toEqual([
      '--print', '--verbose', '--output-format', 'stream-json',
      '--session-id', SESSION,
      '--model', 'claude-sonnet-4-6',
      '--json-schema', '{"type":"object"}',
      '--append-system-prompt', 'You are the planner.',
      '--disallowedTools', 'EnterPlanMode,ExitPlanMode,WebFetch',
      '--dangerously-skip-permissions',
    ]);
    expect(call.env).toMatchObject({ IS_SANDBOX: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
  });

  it('resumes a session by id', () => {
    const call = claudeCodeAdapter.invocation({ ...base, session: { mode: 'resume', sessionId: SESSION } });
    expect(call.args.slice(4, 6)).toEqual(['--resume', SESSION]);
    expect(call.args).not.toContain('--session-id');
  });
});

describe('reading Claude Code’s stream', () => {
  it('names the session first, then shows text, tool calls and results, and totals usage', () => {
    const { entries, outcome } = run([init, said('I will create the file.'), called('Write', { file_path: '/w/a.txt', content: 'hi' }), toolResult('File created'), said('done'), result({})]);
    expect(entries[0]).toEqual({ kind: 'session', sessionId: SESSION });
    expect(entries.slice(1).map((e) => e.kind)).toEqual(['text', 'tool_use', 'tool_result', 'text', 'usage']);
    expect(entries[2]).toMatchObject({ tool: 'Write', input: { file_path: '/w/a.txt' }, subagent: false });
    expect(outcome).toEqual({ kind: 'answered', sessionId: SESSION, text: 'I will create the file.\ndone', usage: { inputTokens: 120, outputTokens: 30, costUsd: 0.039 } });
  });

  it('takes the StructuredOutput answer and does not show it as a tool call', () => {
    const answer = { type: 'artifact', content: 'The plan' };
    const { entries, outcome } = run([init, called('StructuredOutput', answer), result({ structured_output: answer, result: JSON.stringify(answer) })]);
    expect(entries.filter((e) => e.kind === 'tool_use')).toEqual([]);
    expect(outcome).toMatchObject({ kind: 'answered', structured: answer });
  });

  it('keeps a subagent’s text out of the answer', () => {
    const { outcome } = run([init, said('from the subagent', 'toolu_agent'), said('main answer'), result({})]);
    expect(outcome).toMatchObject({ text: 'main answer' });
  });

  it('reports a rate limit from the API as RateLimited', () => {
    const failed = line({ type: 'result', subtype: 'success', is_error: true, terminal_reason: 'api_error', api_error_status: 429, result: 'API Error: 429 rate_limit_error: slow down' });
    expect(run([init, failed], { ...clean, exitCode: 1 }).outcome).toMatchObject({ kind: 'failed', reason: 'RateLimited', message: 'API Error: 429 rate_limit_error: slow down', sessionId: SESSION });
  });

  it('reports an overloaded API as ApiError', () => {
    const failed = line({ type: 'result', is_error: true, terminal_reason: 'api_error', api_error_status: 529, result: 'API Error: 529 overloaded' });
    expect(run([init, failed], { ...clean, exitCode: 1 }).outcome).toMatchObject({ kind: 'failed', reason: 'ApiError' });
  });

  it('reports running out of turns as an exit with the CLI’s reason', () => {
    const failed = line({ type: 'result', subtype: 'error_max_turns', is_error: true, errors: ['Reached maximum number of turns (2)'] });
    expect(run([init, failed], { ...clean, exitCode: 1 }).outcome).toMatchObject({ kind: 'failed', reason: 'Exited', message: 'The agent stopped: Reached maximum number of turns (2)' });
  });

  it('says a run with no output exited, with what it printed on stderr', () => {
    expect(run([], { ...clean, exitCode: 1, stderrTail: 'Error: something broke' }).outcome).toEqual({
      kind: 'failed',
      reason: 'Exited',
      message: 'The agent printed nothing and exited with code 1: Error: something broke',
    });
  });

  it('says so when the session to resume is not on this machine', () => {
    const failed = line({ type: 'result', is_error: true, result: 'No conversation found with session ID: x' });
    expect(run([failed], { ...clean, exitCode: 1 }).outcome).toMatchObject({ kind: 'failed', reason: 'Exited', sessionNotFound: true });
    expect(run([init, said('hi'), result({})]).outcome).not.toHaveProperty('sessionNotFound');
  });

  it('puts the runner’s own limits first: timed out, stalled, stopped', () => {
    expect(run([init, said('working')], { ...clean, exitCode: null, timedOut: true }).outcome).toMatchObject({ reason: 'TimedOut', sessionId: SESSION });
    expect(run([init], { ...clean, exitCode: null, stalled: true }).outcome).toMatchObject({ reason: 'Stalled' });
    expect(run([init], { ...clean, exitCode: null, aborted: true }).outcome).toMatchObject({ reason: 'Lost' });
  });

  it('ignores lines that are not events', () => {
    expect(run(['', 'warning: something', init, result({})]).entries[0]).toEqual({ kind: 'session', sessionId: SESSION });
  });
});
