import { createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through in front of the model server that can stop answering model calls, like a provider that hangs mid-turn. */
export interface HoldingProxy {
  /** Base URL to give the agent instead of the model server's. */
  readonly url: string;
  /** From now on, model calls (`POST /v1/messages`) get no answer at all. */
  hold(): void;
  /** How many model calls are waiting for an answer that will not come. */
  held(): number;
  /** Drops the held calls and stops listening. */
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  let holding = false;
  const held: ServerResponse[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    if (holding && req.method === 'POST' && (req.url ?? '').startsWith('/v1/messages')) {
      req.resume();
      held.push(res);
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    hold: () => {
      holding = true;
    },
    held: () => held.filter((res) => !res.destroyed && !res.socket?.destroyed).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
