import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESSION_HEADERS } from './index.js';
import type { ModelServer, ScriptTurn } from './index.js';

/** One agent run as the model sees it: which Trak and stage, how it was started, and which of its runs it is. */
export interface AgentRun {
  readonly trakId: string;
  readonly stage: string;
  /** `spawn` for a fresh session, else the resume reason (`gate_failure`, `continue`, …) from the runner's prompt marker. */
  readonly start: string;
  /** 1 for the first run of this stage of this Trak, 2 for the next, … */
  readonly attempt: number;
  readonly sessionId: string;
  /** The runner's message that started the run (the prompt, or why the session goes on). */
  readonly prompt: string;
}

/** The model's turns for one run, in order (the last one repeats if the agent asks again). */
export type AgentScript = (run: AgentRun) => readonly ScriptTurn[];

export interface ScriptedAgents {
  /** Base URL to give the agents instead of the model server's. */
  readonly url: string;
  /** Every run that reached the model, in the order they started. */
  runs(): AgentRun[];
  close(): Promise<void>;
}

const MARKER = /<!orkestra:(spawn|resume):([\w-]+)(?::([\w-]+))?>/g;
const TRAK_ID = /^- ID: `([^`]+)`$/m;

type Message = { role?: unknown; content?: unknown };

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((block: { type?: unknown; text?: unknown }) => (block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('\n')
      : '';

/**
 * Scripts many agents at once on one model server: a pass-through that reads each model call's
 * runner prompt (`<!orkestra:spawn:<stage>>` and the Trak id, or `<!orkestra:resume:<stage>:<why>>`
 * in a resumed session), works out which run and which turn of it the call is, and sets the
 * session's script to `script(run)[turn]` before forwarding the call.
 */
export async function startScriptedAgents(server: ModelServer, script: AgentScript): Promise<ScriptedAgents> {
  const upstream = new URL(server.url);
  const runs: AgentRun[] = [];
  const runByPrompt = new Map<string, AgentRun>();
  const trakOfSession = new Map<string, string>();

  /** The run and turn of a model call, or undefined for calls that are not a runner's agent (no marker). */
  const locate = (sessionId: string, messages: Message[]): { run: AgentRun; turn: number } | undefined => {
    let at = -1;
    let marker: RegExpMatchArray | undefined;
    messages.forEach((message, index) => {
      if (message.role !== 'user') return;
      const found = [...textOf(message.content).matchAll(MARKER)].at(-1);
      if (found !== undefined) [at, marker] = [index, found];
    });
    if (marker === undefined) return undefined;
    const [, kind = '', stage = '', reason] = marker;
    const trakId = TRAK_ID.exec(textOf(messages[at]?.content))?.[1] ?? trakOfSession.get(sessionId);
    if (trakId === undefined) throw new Error(`no Trak known for session ${sessionId}`);
    trakOfSession.set(sessionId, trakId);
    const key = `${sessionId}#${at}`;
    let run = runByPrompt.get(key);
    if (run === undefined) {
      const attempt = runs.filter((r) => r.trakId === trakId && r.stage === stage).length + 1;
      run = { trakId, stage, start: kind === 'spawn' ? 'spawn' : (reason ?? 'resume'), attempt, sessionId, prompt: textOf(messages[at]?.content) };
      runs.push(run);
      runByPrompt.set(key, run);
    }
    const turn = messages.slice(at + 1).filter((m) => m.role === 'assistant').length;
    return { run, turn };
  };

  const prepare = (req: IncomingMessage, raw: Buffer): void => {
    if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/messages') || (req.url ?? '').includes('count_tokens')) return;
    const sessionId = SESSION_HEADERS.map((name) => req.headers[name]).find((value): value is string => typeof value === 'string');
    if (sessionId === undefined) return;
    const body = JSON.parse(raw.toString('utf8')) as { messages?: Message[] };
    const located = locate(sessionId, body.messages ?? []);
    if (located === undefined) return;
    const turns = script(located.run);
    const turn = turns[Math.min(located.turn, turns.length - 1)];
    if (turn === undefined) throw new Error(`no turns scripted for ${JSON.stringify(located.run)}`);
    server.setScript({ turns: [], after: turn }, { sessionId });
  };

  const forward = (req: IncomingMessage, res: ServerResponse, raw: Buffer): void => {
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    out.end(raw);
  };

  const proxy = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const raw = Buffer.concat(parts);
      try {
        prepare(req, raw);
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `scripted agents: ${String(error)}` } }));
        return;
      }
      forward(req, res, raw);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    runs: () => [...runs],
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  };
}
