import { createHmac } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bareRemote, eventually } from '@orkestra/testing';
import { ApiStores } from '../src/shell/api-stores.js';
import { errorCode, graphql, graphqlData } from './support/graphql-client.js';
import { startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';
import { startWebhookReceiver } from './support/webhook-receiver.js';
import type { ReceivedPost, WebhookReceiver } from './support/webhook-receiver.js';

// Webhooks end to end: the api reads the log, records deliveries and posts them to a real local
// HTTP receiver. The machines' events are appended through the api's own command path, as the
// scheduler would append them. Retries are fast here (300 ms doubling, 4 attempts).
const BACKOFF_MS = 300;
const MAX_ATTEMPTS = 4;

const WORKFLOW = `
flows:
  default:
    stages:
      - name: work
        artifact: summary
    integration:
      on_failure: work
`;

const DELIVERY_FIELDS = 'id kind trakId eventId url payload status attempts lastHttpStatus lastError nextAttemptAt deliveredAt createdAt';

interface Delivery {
  id: string;
  kind: string;
  trakId: string;
  eventId: string;
  url: string;
  payload: Record<string, unknown>;
  status: string;
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

let api: ApiHarness;
let receiver: WebhookReceiver;
let remote: string;
let stores: ApiStores;
const secrets: string[] = [];

beforeAll(async () => {
  api = await startApi({ env: { ORK_API_WEBHOOK_BACKOFF_MS: String(BACKOFF_MS), ORK_API_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS), ORK_API_WEBHOOK_TIMEOUT_SECONDS: '5' } });
  stores = api.app.get(ApiStores);
  receiver = await startWebhookReceiver({ '/flaky': [500, 500, 200], '/down': [500] });
  remote = await bareRemote(await mkdtemp(path.join(api.dir, 'remote-')), {
    '.orkestra/workflow.yaml': WORKFLOW,
    '.orkestra/agents/work.md': 'Do the work.',
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

const admin = {
  ok: <T>(query: string, variables: Record<string, unknown> = {}) => graphqlData<T>(api.url, query, variables, api.adminToken),
};

async function registerProject(id: string, webhookPath?: string): Promise<void> {
  const settings = webhookPath === undefined ? {} : { webhookUrl: `${receiver.url}${webhookPath}` };
  await admin.ok('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id, name: id, remote, settings } });
}

async function rotateSecret(projectId: string): Promise<string> {
  const data = await admin.ok<{ rotateWebhookSecret: { projectId: string; secret: string } }>(
    'mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { projectId secret createdAt } }',
    { input: { projectId } },
  );
  secrets.push(data.rotateWebhookSecret.secret);
  return data.rotateWebhookSecret.secret;
}

const machine = { actor: 'scheduler' };

/** Creates a Trak through GraphQL, then runs its agent to an artifact: the Trak waits for approval. */
async function trakAwaitingApproval(projectId: string): Promise<string> {
  const created = await admin.ok<{ createTrak: { id: string } }>('mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }', {
    input: { project: projectId, title: 'Add a health endpoint', description: 'GET /health answers 200' },
  });
  const id = created.createTrak.id;
  await runAgent(id, 'run-1', 'SECRET-ARTIFACT: the implementation summary');
  return id;
}

async function runAgent(trakId: string, runId: string, content: string): Promise<void> {
  await stores.traks.handle(trakId, { type: 'RequestAgentRun', data: { runId } }, machine);
  await stores.traks.handle(trakId, { type: 'RecordAgentRunStarted', data: { runId, runnerId: 'runner-a' } }, machine);
  const result = await stores.traks.handle(trakId, { type: 'RecordAgentRunResult', data: { runId, output: { type: 'artifact', content } } }, machine);
  expect(result.state.status).toBe('AwaitingApproval');
}

async function deliveriesOf(projectId: string): Promise<Delivery[]> {
  const data = await admin.ok<{ project: { webhookDeliveries: Delivery[] } }>(`query($id: String!) { project(id: $id) { webhookDeliveries { ${DELIVERY_FIELDS} } } }`, { id: projectId });
  return data.project.webhookDeliveries;
}

/** Waits until the notifier has read the whole log as it stands now. */
async function notifierCaughtUp(): Promise<void> {
  const { rows } = await stores.pool.query<{ last: string }>('SELECT max(global_position) AS last FROM messages');
  await eventually(async () => {
    const { rows: at } = await stores.pool.query<{ global_position: string }>("SELECT global_position FROM checkpoints WHERE name = 'notify.webhooks'");
    expect(Number(at[0]?.global_position ?? 0)).toBeGreaterThanOrEqual(Number(rows[0]!.last));
  }, 10_000);
}

const signed = (secret: string, post: ReceivedPost) => `sha256=${createHmac('sha256', secret).update(post.body).digest('hex')}`;

describe('a project with a webhook URL', () => {
  it('gets exactly one signed POST when a Trak starts waiting for approval, and nothing for the steps before', async () => {
    await registerProject('shop', '/shop');
    const secret = await rotateSecret('shop');
    const trakId = await trakAwaitingApproval('shop');

    const [delivery] = await eventually(async () => {
      const deliveries = await deliveriesOf('shop');
      expect(deliveries.map((d) => d.status)).toEqual(['delivered']);
      return deliveries;
    }, 10_000);
    await notifierCaughtUp();
    expect(await deliveriesOf('shop')).toHaveLength(1);

    const posts = receiver.posts('/shop');
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers['x-orkestra-event']).toBe('trak.needs_attention');
    expect(post.headers['x-orkestra-delivery']).toBe(delivery!.id);
    expect(post.headers['x-orkestra-signature']).toBe(signed(secret, post));

    const payload = JSON.parse(post.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      kind: 'trak.needs_attention',
      project: { id: 'shop' },
      trak: { id: trakId, ref: `shop/${trakId}`, title: 'Add a health endpoint', status: 'AwaitingApproval', stage: 'work', iteration: 1 },
      attention: { kind: 'AwaitingApproval', stage: 'work', detail: 'Stage "work" produced its summary: approve it, or reject it with feedback.' },
      integration: null,
      event: { id: delivery!.eventId, type: 'ArtifactProduced' },
    });
    expect(post.body).not.toContain('SECRET-ARTIFACT');
    expect(delivery).toMatchObject({ kind: 'trak.needs_attention', trakId, url: `${receiver.url}/shop`, attempts: 1, lastHttpStatus: 200, lastError: null, nextAttemptAt: null });
    expect(delivery!.payload).toEqual(payload);
  }, 30_000);

  it('gets the same delivery again after a 500, waiting longer each time, until it answers 200', async () => {
    await registerProject('flaky', '/flaky');
    const secret = await rotateSecret('flaky');
    await trakAwaitingApproval('flaky');

    const [delivery] = await eventually(async () => {
      const deliveries = await deliveriesOf('flaky');
      expect(deliveries.map((d) => d.status)).toEqual(['delivered']);
      return deliveries;
    }, 15_000);
    expect(delivery).toMatchObject({ attempts: 3, lastHttpStatus: 200, lastError: null });

    const posts = receiver.posts('/flaky');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.headers['x-orkestra-delivery']))).toEqual(new Set([delivery!.id]));
    expect(new Set(posts.map((p) => p.body)).size).toBe(1);
    for (const post of posts) expect(post.headers['x-orkestra-signature']).toBe(signed(secret, post));
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
  }, 30_000);

  it('marks a delivery failed after its last attempt, keeping the last answer', async () => {
    await registerProject('down', '/down');
    await trakAwaitingApproval('down');

    const [delivery] = await eventually(async () => {
      const deliveries = await deliveriesOf('down');
      expect(deliveries.map((d) => d.status)).toEqual(['failed']);
      return deliveries;
    }, 20_000);
    expect(delivery).toMatchObject({ attempts: MAX_ATTEMPTS, lastHttpStatus: 500, lastError: 'HTTP 500: receiver is down', nextAttemptAt: null, deliveredAt: null });
    const posts = receiver.posts('/down');
    expect(posts).toHaveLength(MAX_ATTEMPTS);
    // Nobody rotated this project's secret: the one made when it got its URL signs its deliveries.
    const { rows } = await stores.pool.query<{ secret: string }>("SELECT secret FROM notify.webhook_secrets WHERE project_id = 'down'");
    expect(rows[0]!.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(posts[0]!.headers['x-orkestra-signature']).toBe(signed(rows[0]!.secret, posts[0]!));
  }, 30_000);
});

describe('a project without a webhook URL', () => {
  it('records no delivery; once it gets a URL, only what happens afterwards is posted there', async () => {
    await registerProject('quiet');
    const trakId = await trakAwaitingApproval('quiet');
    await notifierCaughtUp();
    const { rows } = await stores.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM notify.webhook_deliveries WHERE project_id = 'quiet'");
    expect(rows[0]!.n).toBe(0);

    await admin.ok('mutation($input: UpdateProjectInput!) { updateProject(input: $input) { id } }', { input: { id: 'quiet', settings: { webhookUrl: `${receiver.url}/quiet` } } });
    await admin.ok('mutation($input: RejectInput!) { reject(input: $input) { id } }', { input: { trakId, feedback: 'Add a test' } });
    await runAgent(trakId, 'run-2', 'Added the test');

    const deliveries = await eventually(async () => {
      const found = await deliveriesOf('quiet');
      expect(found.map((d) => [d.kind, d.status])).toEqual([['trak.needs_attention', 'delivered']]);
      return found;
    }, 10_000);
    expect(deliveries[0]!.payload).toMatchObject({ trak: { id: trakId, iteration: 2 } });
    expect(receiver.posts('/quiet')).toHaveLength(1);
  }, 30_000);
});

describe('webhooks and the log', () => {
  it('records nothing twice when the notifier reads the log again from the start', async () => {
    await notifierCaughtUp();
    const count = async () => (await stores.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notify.webhook_deliveries')).rows[0]!.n;
    const before = await count();
    const posted = ['/shop', '/flaky', '/down', '/quiet'].map((p) => receiver.posts(p).length);
    expect(before).toBe(4);

    await stores.pool.query("UPDATE checkpoints SET transaction_id = '0', global_position = 0 WHERE name = 'notify.webhooks'");
    await notifierCaughtUp();
    expect(await count()).toBe(before);
    expect(['/shop', '/flaky', '/down', '/quiet'].map((p) => receiver.posts(p).length)).toEqual(posted);
  }, 30_000);

  it('never writes a webhook secret into the event log', async () => {
    const { rows: kept } = await stores.pool.query<{ secret: string }>('SELECT secret FROM notify.webhook_secrets');
    const all = [...secrets, ...kept.map((r) => r.secret)];
    expect(kept.map((r) => r.secret)).toEqual(expect.arrayContaining(secrets));
    for (const secret of all) {
      const { rows } = await stores.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE data::text LIKE $1 OR metadata::text LIKE $1', [`%${secret}%`]);
      expect(rows[0]!.n).toBe(0);
    }
  });
});

describe('who may see deliveries and secrets', () => {
  it('answers FORBIDDEN to a viewer asking for deliveries or a reviewer rotating the secret, and NOT_FOUND to an outsider', async () => {
    const viewer = await api.user('vera');
    const reviewer = await api.user('rick');
    const outsider = await api.user('olga');
    await admin.ok('mutation { setMemberRole(input: { projectId: "shop", userId: "vera", role: "viewer" }) { id } }');
    await admin.ok('mutation { setMemberRole(input: { projectId: "shop", userId: "rick", role: "reviewer" }) { id } }');
    const rotate = 'mutation { rotateWebhookSecret(input: { projectId: "shop" }) { secret } }';

    await eventually(async () => {
      const asked = await graphql(api.url, '{ project(id: "shop") { id webhookDeliveries { id } } }', {}, viewer);
      expect(errorCode(asked)).toBe('FORBIDDEN');
      expect(asked.errors?.[0]?.path).toEqual(['project', 'webhookDeliveries']);
      expect((await graphql(api.url, '{ project(id: "shop") { id settings { webhookUrl } } }', {}, viewer)).data).toEqual({ project: { id: 'shop', settings: { webhookUrl: `${receiver.url}/shop` } } });
      expect(errorCode(await graphql(api.url, rotate, {}, reviewer))).toBe('FORBIDDEN');
      expect(errorCode(await graphql(api.url, rotate, {}, outsider))).toBe('NOT_FOUND');
    });
  });
});
