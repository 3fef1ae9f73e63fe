import { appendFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicError, encodeSse, openaiError, renderAnthropic, renderOpenai, type RenderedReply, type SseEvent } from './render.js';
import { estimateTokens, fillTemplate, isModelScript, planReply, selectTurn, type ModelProtocol, type ModelScript, type ScriptTurn } from './script.js';

/**
 * Headers carrying the agent's session id, first match wins: Claude Code 2.1.331 sends `x-claude-code-session-id`
 * (a UUID, settable up front with `--session-id`), OpenCode 1.18.33 `x-session-id` (`ses_…`). Scripts set with
 * `{ sessionId }` are looked up by it.
 */
export const SESSION_HEADERS = ['x-claude-code-session-id', 'x-session-id'] as const;

export interface ModelServerOptions {
  protocol: ModelProtocol;
  script: ModelScript;
  /** Append every request and every reply to this file, one JSON object a line. */
  logFile?: string;
}

/** One model API request and the reply it got (control endpoints under `/_fake/` are not logged). */
export interface ModelRequestRecord {
  seq: number;
  at: string;
  method: string;
  /** Path with query, e.g. `/v1/messages?beta=true`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  sessionId?: string;
  /** `main`/`side`: a model call answered from the script; `other`: models, count_tokens, hello, 404s. */
  kind: 'main' | 'side' | 'other';
  /** Turn index (assistant messages in the request), for model calls. */
  turnIndex?: number;
  cwd?: string;
  /** The script turn used, with `{{cwd}}`/`{{n}}` filled in. */
  turn?: ScriptTurn;
  /** Undefined while the reply is still being written. */
  reply?: { status: number; stream: boolean; body?: unknown; events?: SseEvent[] };
}

export interface ModelServer {
  readonly protocol: ModelProtocol;
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Replaces the default script, or with `sessionId` the script for requests carrying that session id (see `SESSION_HEADERS`). */
  setScript(script: ModelScript, options?: { sessionId?: string }): void;
  /** A snapshot (deep copy) of the log, oldest first. */
  requests(): ModelRequestRecord[];
  /** Clears the log (scripts stay). */
  reset(): void;
  close(): Promise<void>;
}

/** Waits `ms`, or less once the server closes: `pendingDelays` holds what ends each wait now. */
const sleep = (ms: number, pendingDelays: Set<() => void>) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pendingDelays.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    pendingDelays.add(done);
  });

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${Date.now()}` });
  res.end(JSON.stringify(body));
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * A scripted model server speaking the Anthropic Messages or the OpenAI Chat Completions protocol on
 * 127.0.0.1 (a free port), for running the real agent CLIs (Claude Code, OpenCode) offline. The turn is
 * picked by the number of assistant messages in the request (so tool round trips and `--resume` keep
 * counting); requests without tools get `script.side`. Control endpoints for other processes:
 * `GET /_fake/log`, `POST /_fake/script[?session=<id>]`, `POST /_fake/reset`, `GET /_fake/health`.
 */
export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  // Held-back turns (`delay_ms`), cut short when the server closes, so a test need not wait them out.
  const pendingDelays = new Set<() => void>();
  const { protocol, logFile } = options;
  let defaultScript = options.script;
  const sessionScripts = new Map<string, ModelScript>();
  let log: ModelRequestRecord[] = [];
  let seq = 0;

  const writeLog = (entry: Record<string, unknown>) => {
    if (logFile) appendFileSync(logFile, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  };

  const setScript = (script: ModelScript, opts: { sessionId?: string } = {}) => {
    if (!isModelScript(script)) throw new TypeError('a model script needs a `turns` array');
    if (opts.sessionId !== undefined) sessionScripts.set(opts.sessionId, script);
    else defaultScript = script;
  };

  const notFound = (path: string): RenderedReply =>
    protocol === 'anthropic' ? anthropicError(404, 'not_found_error', `no route ${path}`) : openaiError(404, 'not_found_error', `no route ${path}`);

  async function modelReply(record: ModelRequestRecord): Promise<{ reply: RenderedReply; delayMs: number }> {
    const body = record.body as { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } } | undefined;
    const script = (record.sessionId !== undefined ? sessionScripts.get(record.sessionId) : undefined) ?? defaultScript;
    const selection = selectTurn(script, body, protocol);
    const turn = fillTemplate(selection.turn, { cwd: selection.cwd, n: selection.index });
    Object.assign(record, { kind: selection.kind, turnIndex: selection.index, cwd: selection.cwd, turn });
    const plan = planReply(turn, protocol);
    const ctx = {
      model: typeof body?.model === 'string' ? body.model : protocol === 'anthropic' ? 'claude-fake' : 'fake-model',
      stream: body?.stream === true,
      inputTokens: estimateTokens(body),
      includeUsage: body?.stream_options?.include_usage === true,
    };
    const reply = protocol === 'anthropic' ? renderAnthropic(plan, ctx) : renderOpenai(plan, ctx);
    return { reply, delayMs: plan.delayMs };
  }

  async function route(method: string, pathname: string, record: ModelRequestRecord): Promise<{ reply: RenderedReply; delayMs: number }> {
    const plain = (body: unknown, status = 200) => ({ reply: { status, stream: false, body } as RenderedReply, delayMs: 0 });
    const models = /^(?:\/v1)?\/models(?:\/([^/]+))?$/.exec(pathname);
    if (protocol === 'anthropic') {
      if (method === 'POST' && pathname === '/v1/messages') return modelReply(record);
      if (method === 'POST' && pathname === '/v1/messages/count_tokens') return plain({ input_tokens: estimateTokens(record.body) });
      if ((method === 'GET' || method === 'HEAD') && pathname === '/api/hello') return plain({ ok: true });
      if (method === 'GET' && models?.[0].startsWith('/v1')) {
        const model = (id: string) => ({ type: 'model', id, display_name: 'Fake model', created_at: '2026-01-01T00:00:00Z' });
        return plain(models[1] ? model(decodeURIComponent(models[1])) : { data: [model('claude-fake')], has_more: false, first_id: 'claude-fake', last_id: 'claude-fake' });
      }
    } else {
      if (method === 'POST' && /^(?:\/v1)?\/chat\/completions$/.test(pathname)) return modelReply(record);
      if (method === 'GET' && models) {
        const model = (id: string) => ({ id, object: 'model', created: 1767225600, owned_by: 'fake' });
        return plain(models[1] ? model(decodeURIComponent(models[1])) : { object: 'list', data: [model('fake-model')] });
      }
    }
    return { reply: notFound(pathname), delayMs: 0 };
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const action = url.pathname.slice('/_fake/'.length);
    if (action === 'health' && req.method === 'GET') return sendJson(res, 200, { ok: true, protocol, requests: log.length });
    if (action === 'log' && req.method === 'GET') return sendJson(res, 200, log);
    if (action === 'reset' && req.method === 'POST') {
      log = [];
      return sendJson(res, 200, { ok: true });
    }
    if (action === 'script' && req.method === 'POST') {
      let script: unknown;
      try {
        script = JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { ok: false, error: 'body is not JSON' });
      }
      if (!isModelScript(script)) return sendJson(res, 400, { ok: false, error: 'a model script needs a `turns` array' });
      const sessionId = url.searchParams.get('session') ?? undefined;
      setScript(script, { sessionId });
      return sendJson(res, 200, { ok: true, ...(sessionId !== undefined ? { sessionId } : {}) });
    }
    return sendJson(res, 404, { ok: false, error: `no control endpoint ${req.method} ${url.pathname}` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/_fake/')) return control(req, res, url, raw);

    const method = req.method ?? 'GET';
    let body: unknown;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
        body = raw;
      }
    }
    const sessionId = SESSION_HEADERS.map((name) => headerValue(req.headers, name)).find((value) => value !== undefined);
    const record: ModelRequestRecord = {
      seq: ++seq,
      at: new Date().toISOString(),
      method,
      path: req.url ?? '/',
      headers: req.headers,
      body,
      ...(sessionId !== undefined ? { sessionId } : {}),
      kind: 'other',
    };
    log.push(record);
    writeLog({ type: 'request', seq: record.seq, method, path: record.path, headers: record.headers, body });

    const { reply, delayMs } = badJson
      ? { reply: protocol === 'anthropic' ? anthropicError(400, 'invalid_request_error', 'body is not JSON') : openaiError(400, 'invalid_request_error', 'body is not JSON'), delayMs: 0 }
      : await route(method, url.pathname, record);
    if (delayMs > 0) await sleep(delayMs, pendingDelays);

    record.reply = reply.stream ? { status: reply.status, stream: true, events: reply.events } : { status: reply.status, stream: false, body: reply.body };
    writeLog({ type: 'reply', seq: record.seq, kind: record.kind, turnIndex: record.turnIndex, ...record.reply });
    if (res.destroyed) return;
    if (!reply.stream) {
      if (method === 'HEAD') {
        res.writeHead(reply.status).end();
        return;
      }
      return sendJson(res, reply.status, reply.body);
    }
    res.writeHead(reply.status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_fake_${record.seq}` });
    for (const event of reply.events) res.write(encodeSse(event));
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      writeLog({ type: 'server-error', message });
      if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: `fake server failure: ${message}` } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    protocol,
    url: `http://127.0.0.1:${port}`,
    port,
    setScript,
    requests: () => structuredClone(log),
    reset: () => {
      log = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const done of [...pendingDelays]) done();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
