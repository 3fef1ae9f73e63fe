import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bareRemote, eventually } from '@orkestra/testing';
import { errorCode, graphql, graphqlData } from './support/graphql-client.js';
import { startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

const WORKFLOW = `
flows:
  default:
    stages:
      - name: work
        artifact: summary
    integration:
      on_failure: work
`;

const TRAK_FIELDS = 'id projectId title status stage iteration branch baseBranch baseCommit flow { name stages { name artifact } } version needsHuman { kind detail }';

let api: ApiHarness;
let remote: string;

beforeAll(async () => {
  api = await startApi();
  remote = await bareRemote(await mkdtemp(path.join(api.dir, 'remote-')), {
    '.orkestra/workflow.yaml': WORKFLOW,
    '.orkestra/agents/work.md': 'Do the work.',
    'README.md': 'hello',
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const as = (token: string) => ({
  ok: <T>(query: string, variables: Record<string, unknown> = {}) => graphqlData<T>(api.url, query, variables, token),
  raw: (query: string, variables: Record<string, unknown> = {}) => graphql(api.url, query, variables, token),
});

describe('the front door, driven only through GraphQL', () => {
  it('refuses a request without a token, or with an unknown one, as UNAUTHENTICATED', async () => {
    const none = await graphql(api.url, '{ me { user { id } } }');
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('UNAUTHENTICATED');
    const bad = await graphql(api.url, '{ me { user { id } } }', {}, 'ork_not-a-real-token');
    expect(errorCode(bad)).toBe('UNAUTHENTICATED');
  });

  it('knows the first admin by the token it handed out at first start', async () => {
    const data = await as(api.adminToken).ok<{ me: { user: { id: string; instanceAdmin: boolean } } }>('{ me { user { id instanceAdmin } } }');
    expect(data.me.user).toEqual({ id: 'admin', instanceAdmin: true });
  });

  it('registers a project, creates a Trak with the flow read from the repository, and shows it', async () => {
    const admin = as(api.adminToken);
    const registered = await admin.ok<{ registerProject: { id: string; myRole: string } }>(
      'mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id myRole } }',
      { input: { id: 'shop', name: 'Shop', remote } },
    );
    expect(registered.registerProject).toEqual({ id: 'shop', myRole: 'admin' });

    const created = await admin.ok<{ createTrak: Record<string, unknown> }>(
      `mutation($input: CreateTrakInput!) { createTrak(input: $input) { ${TRAK_FIELDS} } }`,
      { input: { project: 'shop', title: 'Add a health endpoint', description: 'GET /health answers 200' } },
    );
    const trak = created.createTrak;
    expect(trak).toMatchObject({
      projectId: 'shop',
      title: 'Add a health endpoint',
      status: 'Queued',
      stage: 'work',
      iteration: 1,
      baseBranch: 'main',
      flow: { name: 'default', stages: [{ name: 'work', artifact: 'summary' }] },
      version: 2,
    });
    expect(trak['baseCommit']).toMatch(/^[0-9a-f]{40}$/);
    expect(trak['branch']).toBe(`ork/${String(trak['id'])}-add-a-health-endpoint`);

    const read = await admin.ok<{ trak: Record<string, unknown> }>(`query($id: ID!) { trak(id: $id) { ${TRAK_FIELDS} } }`, { id: trak['id'] });
    expect(read.trak).toEqual(trak);

    await eventually(async () => {
      const page = await admin.ok<{ traks: { edges: { node: { id: string } }[] } }>('{ traks(filter: { project: "shop" }) { edges { node { id } } } }');
      expect(page.traks.edges.map((e) => e.node.id)).toEqual([trak['id']]);
    });
  });

  it('shows the flows a Trak would get, read at the head of the base branch', async () => {
    const data = await as(api.adminToken).ok<{ flows: { branch: string; commit: string; defaultFlow: string; flows: { name: string; stages: { name: string }[] }[] } }>(
      '{ flows(project: "shop") { branch commit defaultFlow flows { name stages { name } } } }',
    );
    expect(data.flows).toMatchObject({ branch: 'main', defaultFlow: 'default', flows: [{ name: 'default', stages: [{ name: 'work' }] }] });
    expect(data.flows.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses a broken workflow.yaml with WORKFLOW_INVALID naming file, line and key, and creates nothing', async () => {
    const broken = await bareRemote(await mkdtemp(path.join(api.dir, 'broken-')), {
      '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: work\n        artifact: summary\n        gate: {timeout_seconds: 0}\n    integration:\n      on_failure: work\n',
      '.orkestra/agents/work.md': 'Do the work.',
    });
    const admin = as(api.adminToken);
    await admin.ok('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id: 'broken', name: 'Broken', remote: broken } });
    const response = await admin.raw('mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }', {
      input: { project: 'broken', title: 'Anything', description: '' },
    });
    expect(errorCode(response)).toBe('WORKFLOW_INVALID');
    expect(response.errors?.[0]?.message).toMatch(/\.orkestra\/workflow\.yaml:6:\d+ .*gate/);
    const { rows } = await api.app.get((await import('../src/shell/api-stores.js')).ApiStores).pool.query("SELECT count(*)::int AS n FROM messages WHERE stream_id LIKE 'trak-%' AND metadata->>'projectId' = 'broken'");
    expect(rows[0].n).toBe(0);
  });

  it('answers a command the Trak cannot take now with ILLEGAL_TRANSITION, and bad input with VALIDATION_FAILED naming the field', async () => {
    const admin = as(api.adminToken);
    const page = await admin.ok<{ traks: { edges: { node: { id: string; version: number } }[] } }>('{ traks(filter: { project: "shop" }) { edges { node { id version } } } }');
    const { id, version } = page.traks.edges[0]!.node;
    const early = await admin.raw('mutation($input: ApproveInput!) { approve(input: $input) { id } }', { input: { trakId: id } });
    expect(errorCode(early)).toBe('ILLEGAL_TRANSITION');
    const blank = await admin.raw('mutation($input: RejectInput!) { reject(input: $input) { id } }', { input: { trakId: id, feedback: '   ' } });
    expect(errorCode(blank)).toBe('VALIDATION_FAILED');
    expect(blank.errors?.[0]?.extensions?.['field']).toBe('input.feedback');
    const after = await admin.ok<{ trak: { version: number } }>('query($id: ID!) { trak(id: $id) { version } }', { id });
    expect(after.trak.version).toBe(version);
  });

  it('applies a command once however often it is retried with the same idempotency key', async () => {
    const admin = as(api.adminToken);
    const { createTrak } = await admin.ok<{ createTrak: { id: string } }>('mutation { createTrak(input: { project: "shop", title: "Retried", description: "" }) { id } }');
    const cancel = (key: string) => admin.raw('mutation($input: CancelInput!) { cancel(input: $input) { status version } }', { input: { trakId: createTrak.id, reason: 'not needed', idempotencyKey: key } });
    const first = await cancel('cancel-1');
    const again = await cancel('cancel-1');
    expect(first.data).toEqual({ cancel: { status: 'Cancelled', version: 3 } });
    expect(again.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    expect(errorCode(await cancel('cancel-2'))).toBe('ILLEGAL_TRANSITION');
  });

  it('hides a project from a user who is not a member, and forbids a viewer to review', async () => {
    const outsider = as(await api.user('olga'));
    const viewer = as(await api.user('vera'));
    await as(api.adminToken).ok('mutation { setMemberRole(input: { projectId: "shop", userId: "vera", role: "viewer" }) { id } }');
    const page = await as(api.adminToken).ok<{ traks: { edges: { node: { id: string } }[] } }>('{ traks(filter: { project: "shop" }) { edges { node { id } } } }');
    const id = page.traks.edges[0]!.node.id;

    // No waiting: a token and a role work from the moment the mutation that made them answers.
    expect(errorCode(await outsider.raw('query($id: ID!) { trak(id: $id) { id } }', { id }))).toBe('NOT_FOUND');
    expect(errorCode(await outsider.raw('{ project(id: "shop") { id } }'))).toBe('NOT_FOUND');
    expect((await viewer.ok<{ trak: { id: string } }>('query($id: ID!) { trak(id: $id) { id } }', { id })).trak.id).toBe(id);
    expect(errorCode(await viewer.raw('mutation($input: CancelInput!) { cancel(input: $input) { id } }', { input: { trakId: id, reason: 'mine' } }))).toBe('FORBIDDEN');
  });
});
