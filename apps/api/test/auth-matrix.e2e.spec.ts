import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bareRemote } from '@orkestra/testing';
import { ApiStores } from '../src/shell/api-stores.js';
import { errorCode, graphql, graphqlData } from './support/graphql-client.js';
import { startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

// Every role against every operation, on a project and a Trak the caller may or may not see.
// A caller who may not read a project is told NOT_FOUND (its existence does not leak), one who
// may read but not act is told FORBIDDEN, and a refused operation appends nothing to the log.

type Role = 'outsider' | 'otherAdmin' | 'viewer' | 'reviewer' | 'admin' | 'instanceAdmin';
type Verdict = 'allowed' | 'FORBIDDEN' | 'NOT_FOUND';
type Level = 'read' | 'review' | 'administer' | 'instance' | 'othersTokens';

const ROLES: readonly Role[] = ['outsider', 'otherAdmin', 'viewer', 'reviewer', 'admin', 'instanceAdmin'];

/** What the rules say each role gets at each level of operation. */
const EXPECTED: Record<Level, Record<Role, Verdict>> = {
  read: { outsider: 'NOT_FOUND', otherAdmin: 'NOT_FOUND', viewer: 'allowed', reviewer: 'allowed', admin: 'allowed', instanceAdmin: 'allowed' },
  review: { outsider: 'NOT_FOUND', otherAdmin: 'NOT_FOUND', viewer: 'FORBIDDEN', reviewer: 'allowed', admin: 'allowed', instanceAdmin: 'allowed' },
  administer: { outsider: 'NOT_FOUND', otherAdmin: 'NOT_FOUND', viewer: 'FORBIDDEN', reviewer: 'FORBIDDEN', admin: 'allowed', instanceAdmin: 'allowed' },
  instance: { outsider: 'FORBIDDEN', otherAdmin: 'FORBIDDEN', viewer: 'FORBIDDEN', reviewer: 'FORBIDDEN', admin: 'FORBIDDEN', instanceAdmin: 'allowed' },
  othersTokens: { outsider: 'NOT_FOUND', otherAdmin: 'NOT_FOUND', viewer: 'NOT_FOUND', reviewer: 'NOT_FOUND', admin: 'NOT_FOUND', instanceAdmin: 'allowed' },
};

interface Operation {
  readonly name: string;
  readonly level: Level;
  readonly query: string;
  readonly variables: (ctx: { trakId: string; role: Role; n: number }) => Record<string, unknown>;
}

const trakInput = (extra: Record<string, unknown> = {}) => (ctx: { trakId: string }) => ({ input: { trakId: ctx.trakId, ...extra } });
const mutation = (name: string, type: string, level: Level, variables: Operation['variables'], select = 'id', field = name): Operation => ({
  name,
  level,
  query: `mutation($input: ${type}!) { ${field}(input: $input) { ${select} } }`,
  variables,
});

/** Errors that come after the permission check passed: the caller was let in, the command itself was refused. */
const PAST_THE_DOOR = ['ILLEGAL_TRANSITION', 'VALIDATION_FAILED', 'ALREADY_EXISTS', 'WORKFLOW_INVALID'];

const OPERATIONS: readonly Operation[] = [
  { name: 'project', level: 'read', query: '{ project(id: "shop") { id } }', variables: () => ({}) },
  { name: 'trak', level: 'read', query: 'query($id: ID!) { trak(id: $id) { id } }', variables: ({ trakId }) => ({ id: trakId }) },
  { name: 'trak at a version', level: 'read', query: 'query($id: ID!) { trak(id: $id, at: 1) { id } }', variables: ({ trakId }) => ({ id: trakId }) },
  { name: 'trakHistory', level: 'read', query: 'query($id: ID!) { trakHistory(id: $id) { type } }', variables: ({ trakId }) => ({ id: trakId }) },
  { name: 'traks of the project', level: 'read', query: '{ traks(filter: { project: "shop" }) { edges { node { id } } } }', variables: () => ({}) },
  mutation('createTrak', 'CreateTrakInput', 'review', ({ role, n }) => ({ input: { project: 'shop', title: `By ${role} ${n}`, description: '' } })),
  mutation('approve', 'ApproveInput', 'review', trakInput()),
  mutation('reject', 'RejectInput', 'review', trakInput({ feedback: 'again' })),
  mutation('answerQuestions', 'AnswerQuestionsInput', 'review', trakInput({ answers: ['yes'] })),
  mutation('retry', 'RetryInput', 'review', trakInput({ message: 'go on' })),
  mutation('skipStage', 'SkipStageInput', 'review', trakInput({ message: 'skip' })),
  mutation('sendToStage', 'SendToStageInput', 'review', trakInput({ stage: 'work', message: 'redo' })),
  mutation('restartStage', 'RestartStageInput', 'review', trakInput({ message: 'redo' })),
  mutation('finishStage', 'FinishStageInput', 'review', trakInput()),
  mutation('interrupt', 'InterruptInput', 'review', trakInput()),
  mutation('setAutoMode', 'SetAutoModeInput', 'review', trakInput({ enabled: false })),
  mutation('merge', 'MergeInput', 'review', trakInput()),
  mutation('openPr', 'OpenPrInput', 'review', trakInput()),
  mutation('archive', 'ArchiveInput', 'review', trakInput()),
  mutation('cancel', 'CancelInput', 'review', trakInput({ reason: 'done with it' })),
  mutation('updateProject', 'UpdateProjectInput', 'administer', ({ role }) => ({ input: { id: 'shop', name: `Shop (${role})` } })),
  mutation('setMemberRole', 'SetMemberRoleInput', 'administer', () => ({ input: { projectId: 'shop', userId: 'target', role: 'viewer' } })),
  mutation('removeMember', 'RemoveMemberInput', 'administer', () => ({ input: { projectId: 'shop', userId: 'target' } })),
  mutation('registerProject', 'RegisterProjectInput', 'instance', ({ role }) => ({ input: { id: `p-${role.toLowerCase()}`, name: 'New', remote: '/nowhere.git' } })),
  mutation('registerUser', 'RegisterUserInput', 'instance', ({ role }) => ({ input: { id: `u-${role.toLowerCase()}`, name: 'New' } }), 'token'),
  mutation('issueToken for someone else', 'IssueTokenInput', 'othersTokens', () => ({ input: { userId: 'target', name: 'borrowed' } }), 'token', 'issueToken'),
  mutation('revokeToken of someone else', 'RevokeTokenInput', 'othersTokens', () => ({ input: { userId: 'target', tokenId: 'nope' } }), 'id', 'revokeToken'),
  mutation('archiveProject', 'ArchiveProjectInput', 'administer', () => ({ input: { id: 'shop' } })),
  // Last: an allowed rebuild empties and refills every read model the checks above read.
  { name: 'rebuildReadModels', level: 'instance', query: 'mutation { rebuildReadModels { name } }', variables: () => ({}) },
];

let api: ApiHarness;
const tokens: Partial<Record<Role, string>> = {};

const eventCount = async (): Promise<number> => Number((await api.app.get(ApiStores).pool.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]!.n);

beforeAll(async () => {
  api = await startApi();
  const dir = await mkdtemp(path.join(api.dir, 'remotes-'));
  const workflow = 'flows:\n  default:\n    stages:\n      - name: work\n        artifact: summary\n    integration:\n      on_failure: work\n';
  const files = { '.orkestra/workflow.yaml': workflow, '.orkestra/agents/work.md': 'Work.' };
  const admin = (query: string, variables: Record<string, unknown>) => graphqlData(api.url, query, variables, api.adminToken);
  for (const id of ['shop', 'other']) {
    const remote = await bareRemote(path.join(dir, id), files);
    await admin('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id, name: id, remote } });
  }
  // The project admin is `padmin`: `admin` is the instance's first user.
  for (const role of ['outsider', 'otherAdmin', 'viewer', 'reviewer', 'admin', 'target'] as const) {
    const token = await api.user(role === 'admin' ? 'padmin' : role.toLowerCase());
    if (role !== 'target') tokens[role] = token;
  }
  tokens.instanceAdmin = await api.user('root', { instanceAdmin: true });
  const member = (projectId: string, userId: string, role: string) =>
    admin('mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) { id } }', { input: { projectId, userId, role } });
  await member('shop', 'viewer', 'viewer');
  await member('shop', 'reviewer', 'reviewer');
  await member('shop', 'padmin', 'admin');
  await member('other', 'otheradmin', 'admin');
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describe('who may do what', () => {
  it('gives every role exactly what the rules allow on every operation, and refusals append nothing', async () => {
    const trakOf = async (): Promise<string> =>
      (
        await graphqlData<{ createTrak: { id: string } }>(
          api.url,
          'mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }',
          { input: { project: 'shop', title: 'Target', description: '' } },
          api.adminToken,
        )
      ).createTrak.id;
    const seen: string[] = [];
    const wrong: string[] = [];
    let n = 0;
    for (const operation of OPERATIONS) {
      for (const role of ROLES) {
        // A fresh Trak for each try, so one role's cancel does not decide the next role's verdict.
        const trakId = operation.level === 'review' || operation.level === 'read' ? await trakOf() : 'none';
        const before = await eventCount();
        const response = await graphql(api.url, operation.query, operation.variables({ trakId, role, n: n++ }), tokens[role]);
        const code = errorCode(response);
        const verdict: Verdict | string =
          code === undefined || PAST_THE_DOOR.includes(String(code)) ? 'allowed' : code === 'FORBIDDEN' || code === 'NOT_FOUND' ? code : `an unexpected ${String(code)}`;
        const expected = EXPECTED[operation.level][role];
        seen.push(`${operation.name} as ${role}: ${verdict}`);
        if (verdict !== expected) wrong.push(`${operation.name} as ${role}: expected ${expected}, got ${verdict} (${JSON.stringify(response.errors?.[0]?.message)})`);
        if (verdict !== 'allowed' && (await eventCount()) !== before) wrong.push(`${operation.name} as ${role} was refused but appended events`);
      }
    }
    expect(wrong).toEqual([]);
    expect(seen).toHaveLength(OPERATIONS.length * ROLES.length);
  }, 180_000);

  it('never writes a token itself to the log, only its hash', async () => {
    const pool = api.app.get(ApiStores).pool;
    for (const token of [api.adminToken, ...Object.values(tokens)]) {
      const secret = token!.slice('ork_'.length);
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE data::text LIKE '%' || $1 || '%' OR metadata::text LIKE '%' || $1 || '%'", [secret]);
      expect(rows[0]!.n).toBe(0);
    }
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE type = 'TokenIssued'");
    expect(rows[0]!.n).toBeGreaterThanOrEqual(Object.keys(tokens).length + 1);
  });

  it('lists only the projects and Traks a caller may read', async () => {
    const list = async (role: Role) =>
      (await graphqlData<{ projects: { id: string }[] }>(api.url, '{ projects { id } }', {}, tokens[role]!)).projects.map((p) => p.id);
    expect(await list('outsider')).toEqual([]);
    expect(await list('otherAdmin')).toEqual(['other']);
    expect(await list('viewer')).toEqual(['shop']);
    expect((await list('instanceAdmin')).sort()).toEqual(['other', 'shop']);
    const traks = await graphqlData<{ traks: { edges: unknown[] } }>(api.url, '{ traks { edges { node { id } } } }', {}, tokens.otherAdmin!);
    expect(traks.traks.edges).toEqual([]);
  });
});
