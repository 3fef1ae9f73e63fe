import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as a webhook receiver got it: the raw body, its headers, and when it arrived. */
export interface ReceivedPost {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; each path is a receiver of its own. */
  readonly url: string;
  /** The POSTs a path got, in order. */
  posts(path: string): ReceivedPost[];
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for the receivers of webhooks. `answers[path]` lists the
 * statuses it answers at that path, one per POST; the last one repeats (200 when none is given).
 */
export async function startWebhookReceiver(answers: Readonly<Record<string, readonly number[]>> = {}): Promise<WebhookReceiver> {
  const received: ReceivedPost[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const count = received.filter((p) => p.path === path).length;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const plan = answers[path] ?? [200];
      const status = plan[Math.min(count, plan.length - 1)] ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts: (path) => received.filter((p) => p.path === path),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
