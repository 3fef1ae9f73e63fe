import { startPrivateNats } from '@orkestra/testing';
import type { PrivateNats } from '@orkestra/testing';
import { connectBus } from '../src/index.js';

// A NATS server with users, as the team deployment runs it: the URL (or the options) carry the
// credentials, and a client whose user may read replies on its own inbox prefix only still works.
let nats: PrivateNats;

beforeAll(async () => {
  nats = await startPrivateNats({
    config: `authorization { users = [
      { user: worker, password: $WORKER_PASSWORD, permissions: { publish: [">"], subscribe: ["_INBOX_worker.>"] } }
    ] }`,
    env: { WORKER_PASSWORD: 'hunter2-hex' },
  });
}, 30_000);

afterAll(async () => {
  await nats?.cleanup();
});

const withCredentials = (credentials: string): string => nats.url.replace('nats://', `nats://${credentials}@`);
const topology = { streams: [{ name: 'WORK', subjects: ['work.>'], retention: 'limits' as const }], consumers: [], buckets: [{ name: 'state' }] };

describe('connecting to a NATS server that asks for a password', () => {
  it('works with the user and password in the URL, and with its own inbox prefix for replies', async () => {
    const bus = await connectBus({ servers: withCredentials('worker:hunter2-hex'), inboxPrefix: '_INBOX_worker' });
    try {
      await bus.provision(topology);
      const bucket = await bus.bucket('state');
      await bucket.put('k', { ok: true });
      expect((await bucket.get('k'))?.value).toEqual({ ok: true });
    } finally {
      await bus.close();
    }
  });

  it('works with the user and password given apart from the URL', async () => {
    const bus = await connectBus({ servers: nats.url, user: 'worker', password: 'hunter2-hex', inboxPrefix: '_INBOX_worker' });
    await bus.close();
  });

  it('fails at once with a wrong password, and the error does not show it', async () => {
    const failure = await connectBus({ servers: withCredentials('worker:not-the-secret'), inboxPrefix: '_INBOX_worker' }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/Authorization Violation/i);
    expect(`${failure?.message} ${failure?.stack}`).not.toContain('not-the-secret');
  });
});
