import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startModelServer, type ModelScript, type ModelServer } from '../src/index.js';

interface Sse {
  event?: string;
  data: unknown;
}

/** Parses a text/event-stream body into its events (`[DONE]` stays a string). */
function parseSse(text: string): Sse[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '';
      return { ...(event !== undefined ? { event } : {}), data: data === '[DONE]' ? data : (JSON.parse(data) as unknown) };
    });
}

async function post(server: ModelServer, route: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

const json = (text: string): any => JSON.parse(text); // eslint-disable-line @typescript-eslint/no-explicit-any

const tool = (name: string) => ({ name, description: name, input_schema: { type: 'object' } });
const openaiTool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });

/** An Anthropic request as Claude Code 2.1.331 shapes it: a system-role message carrying the cwd, `assistants` earlier turns. */
function anthropicRequest(assistants: number, opts: { stream?: boolean; tools?: boolean; cwd?: string } = {}) {
  const messages: unknown[] = [
    { role: 'user', content: [{ type: 'text', text: 'create hello.txt' }] },
    { role: 'system', content: `Environment\n - Primary working directory: ${opts.cwd ?? '/work/repo'}\n - Is a git repository: true` },
  ];
  for (let i = 0; i < assistants; i += 1) {
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `turn ${i}` }] }, { role: 'user', content: 'next' });
  }
  return { model: 'claude-test', max_tokens: 1000, stream: opts.stream ?? true, messages, system: [{ type: 'text', text: 'You are Claude Code.' }], ...(opts.tools === false ? {} : { tools: [tool('Write'), tool('Bash')] }) };
}

/** An OpenAI request as OpenCode 1.18.33 shapes it: the cwd in the system prompt. */
function openaiRequest(assistants: number, opts: { stream?: boolean; tools?: boolean; usage?: boolean } = {}) {
  const messages: unknown[] = [
    { role: 'system', content: 'You are opencode.\n<env>\n  Working directory: /work/oc-repo\n  Is directory a git repo: yes\n</env>' },
    { role: 'user', content: 'create hello.txt' },
  ];
  for (let i = 0; i < assistants; i += 1) {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'write', arguments: '{}' } }] });
    messages.push({ role: 'tool', tool_call_id: `c${i}`, content: 'ok' });
  }
  return {
    model: 'fake-model',
    messages,
    stream: opts.stream ?? true,
    ...(opts.usage === false ? {} : { stream_options: { include_usage: true } }),
    ...(opts.tools === false ? {} : { tools: [openaiTool('write'), openaiTool('bash')], tool_choice: 'auto' }),
  };
}

describe('startModelServer (anthropic)', () => {
  let server: ModelServer;
  let dir: string;
  const script: ModelScript = {
    turns: [
      { text: "I'll create the file.", tool_use: [{ name: 'Write', input: { file_path: '{{cwd}}/hello.txt', content: 'hello from turn {{n}}\n' } }], chunk: 7 },
      'done {{n}}',
      { error: { status: 529, type: 'overloaded_error', message: 'scripted' } },
    ],
    side: 'A title',
    after: 'after {{n}}',
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'model-server-'));
    server = await startModelServer({ protocol: 'anthropic', script, logFile: path.join(dir, 'log.jsonl') });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.setScript(script);
    server.reset();
  });

  it('listens on 127.0.0.1 with a base URL without /v1', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/_fake/health`);
    expect(await res.json()).toEqual({ ok: true, protocol: 'anthropic', requests: 0 });
  });

  it('streams a text block and a tool_use block as the Messages API SSE sequence', async () => {
    const res = await post(server, '/v1/messages?beta=true', anthropicRequest(0, { cwd: '/tmp/my repo' }));
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/event-stream');
    const events = parseSse(res.text);
    const names = events.map((e) => e.event);
    const textDeltas = Math.ceil("I'll create the file.".length / 7);
    const input = { file_path: '/tmp/my repo/hello.txt', content: 'hello from turn 0\n' };
    const jsonDeltas = Math.ceil(JSON.stringify(input).length / 7);
    expect(names).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      ...Array<string>(textDeltas).fill('content_block_delta'),
      'content_block_stop',
      'content_block_start',
      ...Array<string>(jsonDeltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect((e.data as { type: string }).type).toBe(e.event);

    const data = events.map((e) => json(JSON.stringify(e.data)));
    expect(data[0].message).toMatchObject({ role: 'assistant', model: 'claude-test', content: [], stop_reason: null });
    expect(data[0].message.usage.input_tokens).toBeGreaterThan(10);

    const blockEvents = (index: number) => data.filter((d) => d.index === index);
    expect(blockEvents(0)[0]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(blockEvents(0).filter((d) => d.type === 'content_block_delta').map((d) => d.delta)).toEqual([
      { type: 'text_delta', text: "I'll cr" },
      { type: 'text_delta', text: 'eate th' },
      { type: 'text_delta', text: 'e file.' },
    ]);

    const [toolStart, ...toolRest] = blockEvents(1);
    expect(toolStart).toEqual({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'Write', input: {} } });
    const partials = toolRest.filter((d) => d.type === 'content_block_delta').map((d) => d.delta);
    expect(partials.every((d) => d.type === 'input_json_delta' && d.partial_json.length <= 7)).toBe(true);
    expect(JSON.parse(partials.map((d) => d.partial_json).join(''))).toEqual(input);

    const delta = data.find((d) => d.type === 'message_delta');
    expect(delta.delta.stop_reason).toBe('tool_use');
    expect(delta.usage.output_tokens).toBeGreaterThan(1);
  });

  it('picks the turn by the number of assistant messages, then `after`', async () => {
    const reply = async (assistants: number) => {
      const res = await post(server, '/v1/messages', anthropicRequest(assistants, { stream: false }));
      return { status: res.status, body: json(res.text) };
    };
    const second = await reply(1);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'done 1' }], stop_reason: 'end_turn' });
    expect(second.body.usage.output_tokens).toBeGreaterThan(0);
    expect((await reply(5)).body.content).toEqual([{ type: 'text', text: 'after 5' }]);

    server.setScript({ turns: ['only', 'last {{n}}'] });
    expect((await reply(7)).body.content).toEqual([{ type: 'text', text: 'last 7' }]);
  });

  it('answers an error turn in the Anthropic error shape', async () => {
    const res = await post(server, '/v1/messages', anthropicRequest(2));
    expect(res.status).toBe(529);
    expect(json(res.text)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'scripted' } });
  });

  it('answers requests without tools from `side`, unless noToolsIsMain', async () => {
    const side = await post(server, '/v1/messages', anthropicRequest(1, { stream: false, tools: false }));
    expect(json(side.text).content).toEqual([{ type: 'text', text: 'A title' }]);
    expect(server.requests().map((r) => r.kind)).toEqual(['side']);

    server.setScript({ turns: ['main {{n}}'], noToolsIsMain: true });
    const main = await post(server, '/v1/messages', anthropicRequest(1, { stream: false, tools: false }));
    expect(json(main.text).content).toEqual([{ type: 'text', text: 'main 1' }]);

    server.setScript({ turns: ['x'] });
    const byDefault = await post(server, '/v1/messages', anthropicRequest(0, { stream: false, tools: false }));
    expect(json(byDefault.text).content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('streams raw content blocks (thinking, then a tool_use with a given id) and honours stop_reason', async () => {
    server.setScript({
      turns: [
        {
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_given', name: 'Bash', input: { command: 'ls' } },
          ],
          stop_reason: 'max_tokens',
        },
      ],
    });
    const data = parseSse((await post(server, '/v1/messages', anthropicRequest(0))).text).map((e) => json(JSON.stringify(e.data)));
    expect(data.filter((d) => d.type === 'content_block_start').map((d) => d.content_block)).toEqual([
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'tool_use', id: 'toolu_given', name: 'Bash', input: {} },
    ]);
    expect(data.filter((d) => d.index === 0 && d.type === 'content_block_delta').map((d) => d.delta)).toEqual([
      { type: 'thinking_delta', thinking: 'hmm' },
      { type: 'signature_delta', signature: 'sig' },
    ]);
    expect(data.find((d) => d.type === 'message_delta').delta.stop_reason).toBe('max_tokens');
  });

  it('keeps a script per session id header, falling back to the default script', async () => {
    server.setScript({ turns: ['for session A'] }, { sessionId: 'session-a' });
    const setB = await post(server, '/_fake/script?session=session-b', { turns: ['for session B {{n}}'] });
    expect(json(setB.text)).toEqual({ ok: true, sessionId: 'session-b' });

    const ask = async (headers: Record<string, string>) =>
      json((await post(server, '/v1/messages', anthropicRequest(1, { stream: false }), headers)).text).content[0].text as string;
    expect(await ask({ 'x-claude-code-session-id': 'session-a' })).toBe('for session A');
    expect(await ask({ 'x-session-id': 'session-b' })).toBe('for session B 1');
    expect(await ask({ 'x-claude-code-session-id': 'someone-else' })).toBe('done 1');
    expect(await ask({})).toBe('done 1');
    expect(server.requests().map((r) => r.sessionId)).toEqual(['session-a', 'session-b', 'someone-else', undefined]);
  });

  it('waits delay_ms before answering', async () => {
    server.setScript({ turns: [{ text: 'slow', delay_ms: 250 }] });
    const started = Date.now();
    await post(server, '/v1/messages', anthropicRequest(0));
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('serves count_tokens, models, /api/hello, and 404s in the error shape', async () => {
    expect(json((await post(server, '/v1/messages/count_tokens', anthropicRequest(0))).text)).toEqual({ input_tokens: expect.any(Number) });
    expect(await (await fetch(`${server.url}/v1/models`)).json()).toMatchObject({ data: [{ type: 'model', id: 'claude-fake' }] });
    expect(await (await fetch(`${server.url}/v1/models/claude-x`)).json()).toMatchObject({ type: 'model', id: 'claude-x' });
    expect((await fetch(`${server.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    const missing = await fetch(`${server.url}/v1/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ type: 'error', error: { type: 'not_found_error', message: expect.any(String) } });
    expect(server.requests().map((r) => [r.kind, r.reply?.status])).toEqual([
      ['other', 200],
      ['other', 200],
      ['other', 200],
      ['other', 200],
      ['other', 404],
    ]);
  });

  it('logs requests and replies, in memory, over HTTP and as JSONL', async () => {
    await post(server, '/v1/messages?beta=true', anthropicRequest(0, { cwd: '/logged' }), { 'x-claude-code-session-id': 'log-session' });
    await post(server, '/v1/messages', anthropicRequest(1, { stream: false }));

    const [first, second, ...rest] = server.requests();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      method: 'POST',
      path: '/v1/messages?beta=true',
      sessionId: 'log-session',
      kind: 'main',
      turnIndex: 0,
      cwd: '/logged',
      turn: { tool_use: [{ name: 'Write', input: { file_path: '/logged/hello.txt' } }] },
      reply: { status: 200, stream: true },
    });
    expect(first?.headers['x-claude-code-session-id']).toBe('log-session');
    expect((first?.body as { model: string }).model).toBe('claude-test');
    expect(first?.reply?.events?.map((e) => e.event).at(-1)).toBe('message_stop');
    expect(second).toMatchObject({ kind: 'main', turnIndex: 1, reply: { status: 200, stream: false, body: { content: [{ text: 'done 1' }] } } });

    const overHttp = (await (await fetch(`${server.url}/_fake/log`)).json()) as unknown[];
    expect(overHttp).toEqual(JSON.parse(JSON.stringify(server.requests())));

    const lines = readFileSync(path.join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => json(l));
    const mine = lines.filter((l) => l.seq === first?.seq || l.seq === second?.seq);
    expect(mine.map((l) => [l.type, l.seq])).toEqual([
      ['request', first?.seq],
      ['reply', first?.seq],
      ['request', second?.seq],
      ['reply', second?.seq],
    ]);
    expect(mine[0].body.messages).toHaveLength(2);
    expect(mine[1]).toMatchObject({ status: 200, stream: true, kind: 'main', turnIndex: 0 });

    expect(json((await post(server, '/_fake/reset', {})).text)).toEqual({ ok: true });
    expect(server.requests()).toEqual([]);
    expect(await (await fetch(`${server.url}/_fake/log`)).json()).toEqual([]);
  });

  it('replaces the script over HTTP and rejects a body that is not a script', async () => {
    expect(json((await post(server, '/_fake/script', { turns: ['swapped {{n}}'] })).text)).toEqual({ ok: true });
    expect(json((await post(server, '/v1/messages', anthropicRequest(3, { stream: false }))).text).content[0].text).toBe('swapped 3');
    expect((await post(server, '/_fake/script', { nope: true })).status).toBe(400);
    expect(() => server.setScript({} as ModelScript)).toThrow(/turns/);
    expect((await fetch(`${server.url}/_fake/unknown`)).status).toBe(404);
  });
});

describe('startModelServer (openai)', () => {
  let server: ModelServer;
  const script: ModelScript = {
    turns: [
      { text: 'Writing it.', tool_calls: [{ name: 'write', arguments: { filePath: '{{cwd}}/hello.txt', content: 'hi\n' } }], chunk: 5 },
      { tool_use: [{ name: 'bash', input: { command: 'ls' }, id: 'call_given' }] },
      'done {{n}}',
      { error: { status: 400, message: 'scripted bad request' } },
    ],
  };

  beforeAll(async () => {
    server = await startModelServer({ protocol: 'openai', script });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.setScript(script);
    server.reset();
  });

  it('streams a role chunk, content chunks, tool call chunks, the finish reason, usage and [DONE]', async () => {
    const res = await post(server, '/v1/chat/completions', openaiRequest(0));
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/event-stream');
    const events = parseSse(res.text);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => json(JSON.stringify(e.data)));
    for (const c of chunks) expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'fake-model', id: chunks[0].id });

    const deltas = chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta);
    expect(deltas[0]).toEqual({ role: 'assistant', content: '' });
    const content = deltas.filter((d) => typeof d.content === 'string' && d.content !== '').map((d) => d.content);
    expect(content).toEqual(['Writi', 'ng it', '.']);

    const toolDeltas = deltas.filter((d) => d.tool_calls).map((d) => d.tool_calls[0]);
    expect(toolDeltas[0]).toEqual({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'write', arguments: '' } });
    const args = toolDeltas.slice(1).map((t) => t.function.arguments as string);
    expect(args.every((a) => a.length <= 5)).toBe(true);
    expect(JSON.parse(args.join(''))).toEqual({ filePath: '/work/oc-repo/hello.txt', content: 'hi\n' });

    const finishing = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishing.map((c) => c.choices[0].finish_reason)).toEqual(['tool_calls']);
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: usage.usage.prompt_tokens + usage.usage.completion_tokens });
  });

  it('accepts tool_use turns and leaves the usage chunk out unless asked for it', async () => {
    const events = parseSse((await post(server, '/chat/completions', openaiRequest(1, { usage: false }))).text);
    const chunks = events.slice(0, -1).map((e) => json(JSON.stringify(e.data)));
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
    expect(chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? [])[0]).toMatchObject({ id: 'call_given', function: { name: 'bash' } });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers without streaming as a chat.completion', async () => {
    const body = json((await post(server, '/v1/chat/completions', openaiRequest(0, { stream: false }))).text);
    expect(body).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: { role: 'assistant', content: 'Writing it.', tool_calls: [{ type: 'function', function: { name: 'write', arguments: expect.any(String) } }] },
        },
      ],
      usage: { prompt_tokens: expect.any(Number) },
    });
    const text = json((await post(server, '/v1/chat/completions', openaiRequest(2, { stream: false }))).text);
    expect(text.choices[0]).toEqual({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'done 2' } });
  });

  it('answers an error turn in the OpenAI error shape', async () => {
    const res = await post(server, '/v1/chat/completions', openaiRequest(3));
    expect(res.status).toBe(400);
    expect(json(res.text)).toEqual({ error: { message: 'scripted bad request', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } });
  });

  it('gives side calls (no tools) the default title, and finish_reason can be scripted', async () => {
    const side = json((await post(server, '/v1/chat/completions', openaiRequest(0, { tools: false, stream: false }))).text);
    expect(side.choices[0].message.content).toBe('Fake session title');
    server.setScript({ turns: [{ text: 'cut', finish_reason: 'length' }] });
    const cut = json((await post(server, '/v1/chat/completions', openaiRequest(0, { stream: false }))).text);
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(server.requests().map((r) => [r.kind, r.turnIndex, r.cwd])).toEqual([
      ['side', 0, '/work/oc-repo'],
      ['main', 0, '/work/oc-repo'],
    ]);
  });

  it('serves models with or without /v1 and 404s the rest', async () => {
    expect(await (await fetch(`${server.url}/v1/models`)).json()).toMatchObject({ object: 'list', data: [{ id: 'fake-model' }] });
    expect(await (await fetch(`${server.url}/models/m1`)).json()).toMatchObject({ id: 'm1', object: 'model' });
    const missing = await post(server, '/v1/messages', {});
    expect(missing.status).toBe(404);
    expect(json(missing.text).error.type).toBe('not_found_error');
  });

  it('close() does not wait for idle keep-alive connections', async () => {
    const other = await startModelServer({ protocol: 'openai', script: { turns: ['x'] } });
    await post(other, '/v1/chat/completions', openaiRequest(0));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
