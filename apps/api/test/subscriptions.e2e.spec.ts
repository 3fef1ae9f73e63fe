import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PendingCommand } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import type { Client } from 'graphql-ws';
import { ApiStores } from '../src/shell/api-stores.js';
import { graphqlData, subscriptionClient } from './support/graphql-client.js';
import { registerProject, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

const WORKFLOW = `
flows:
  default:
    stages:
      - name: plan
        artifact: plan
      - name: work
        artifact: summary
    integration:
      on_failure: work
`;

interface Update {
  readonly cursor: string;
  readonly event: string;
  readonly trak: { readonly id: string; readonly status: string; readonly stage: string | null; readonly needsHuman: { readonly kind: string } | null };
}

const UPDATE_FIELDS = 'cursor event trak { id status stage needsHuman { kind } }';

let api: ApiHarness;
let trakId: string;
const clients: Client[] = [];

/** A subscription's updates as they arrive, and its errors. */
function subscribe(token: string, query: string, variables: Record<string, unknown>) {
  const client = subscriptionClient(api.url, token);
  clients.push(client);
  const updates: Update[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<Record<string, Update>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors !== undefined) errors.push(...result.errors);
        const update = result.data === undefined || result.data === null ? undefined : Object.values(result.data)[0];
        if (update !== undefined) updates.push(update);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return { updates, errors, stop, client };
}

/** What the scheduler and a runner would append: an agent run of the current stage that produces its artifact. */
async function runStage(stage: string, iteration: number): Promise<void> {
  const stores = api.app.get(ApiStores);
  const runId = `${trakId}_run_${stage}_${iteration}`;
  const send = (command: PendingCommand) => stores.traks.handle(trakId, command, { actor: 'scheduler' });
  await send({ type: 'RequestAgentRun', data: { runId } });
  await send({ type: 'RecordAgentRunResult', data: { runId, output: { type: 'artifact', content: `${stage} done` } } });
}

beforeAll(async () => {
  api = await startApi({ nats: true });
  await registerProject(api, 'shop', { '.orkestra/workflow.yaml': WORKFLOW, '.orkestra/agents/plan.md': 'Plan.', '.orkestra/agents/work.md': 'Work.' });
  const created = await graphqlData<{ createTrak: { id: string } }>(
    api.url,
    'mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }',
    { input: { project: 'shop', title: 'Health endpoint', description: 'GET /health' } },
    api.adminToken,
  );
  trakId = created.createTrak.id;
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await api?.close();
});

describe('live updates over graphql-ws, fed from NATS', () => {
  it('streams a Trak’s updates in order, and tells the project when it starts waiting for a person', async () => {
    const trak = subscribe(api.adminToken, `subscription($id: ID!) { trakUpdated(trak: $id) { ${UPDATE_FIELDS} } }`, { id: trakId });
    const human = subscribe(api.adminToken, `subscription { needsHuman(project: "shop") { ${UPDATE_FIELDS} } }`, {});
    await new Promise((resolve) => setTimeout(resolve, 500));

    await runStage('plan', 1);

    await eventually(() => expect(trak.updates.map((u) => u.event)).toEqual(['AgentRunRequested', 'AgentRunCompleted', 'ArtifactProduced']));
    expect(trak.updates.at(-1)!.trak).toMatchObject({ id: trakId, status: 'AwaitingApproval', stage: 'plan', needsHuman: { kind: 'AwaitingApproval' } });
    const cursors = trak.updates.map((u) => Number(u.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    await eventually(() => expect(human.updates.map((u) => [u.event, u.trak.needsHuman?.kind])).toEqual([['ArtifactProduced', 'AwaitingApproval']]));
    expect(trak.errors).toEqual([]);
  });

  it('gives a client that reconnects with its cursor exactly what it missed, in order, then live updates', async () => {
    const first = subscribe(api.adminToken, `subscription($id: ID!) { trakUpdated(trak: $id) { ${UPDATE_FIELDS} } }`, { id: trakId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await graphqlData(api.url, 'mutation($input: ApproveInput!) { approve(input: $input) { id } }', { input: { trakId } }, api.adminToken);
    await eventually(() => expect(first.updates.map((u) => u.event)).toEqual(['StageApproved', 'StageQueued']));
    const cursor = first.updates.at(-1)!.cursor;
    await first.client.dispose();

    await runStage('work', 1);
    const again = subscribe(api.adminToken, `subscription($id: ID!, $after: String) { trakUpdated(trak: $id, after: $after) { ${UPDATE_FIELDS} } }`, { id: trakId, after: cursor });
    await eventually(() => expect(again.updates.map((u) => u.event)).toEqual(['AgentRunRequested', 'AgentRunCompleted', 'ArtifactProduced']));
    await graphqlData(api.url, 'mutation($input: RejectInput!) { reject(input: $input) { id } }', { input: { trakId, feedback: 'Add a test' } }, api.adminToken);
    await eventually(() => expect(again.updates.map((u) => u.event)).toEqual(['AgentRunRequested', 'AgentRunCompleted', 'ArtifactProduced', 'StageRejected', 'StageQueued']));
    expect(again.updates.map((u) => u.trak.status).at(-1)).toBe('Queued');
    expect(new Set(again.updates.map((u) => u.cursor)).size).toBe(5);
  });

  it('refuses a subscription to a project the caller cannot read, like a query', async () => {
    const token = await api.user('olga');
    const outsider = subscribe(token, `subscription { trakUpdated(project: "shop") { ${UPDATE_FIELDS} } }`, {});
    await eventually(() => expect(outsider.errors.length).toBeGreaterThan(0));
    expect(JSON.stringify(outsider.errors)).toMatch(/NOT_FOUND/);
  });

  it('closes a socket that brings no valid token', async () => {
    const anonymous = subscribe('ork_nope', `subscription { trakUpdated(project: "shop") { ${UPDATE_FIELDS} } }`, {});
    await eventually(() => expect(anonymous.errors.length).toBeGreaterThan(0));
    expect((anonymous.errors[0] as { code?: number }).code).toBe(4403);
  });
});
