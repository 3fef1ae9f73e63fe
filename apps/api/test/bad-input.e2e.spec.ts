import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiStores } from '../src/shell/api-stores.js';
import { errorCode, graphql, graphqlData } from './support/graphql-client.js';
import { registerProject, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

// Every mutation, given bad input, answers a typed error naming the field, never INTERNAL, and
// appends nothing to the log.

let api: ApiHarness;
let trakId: string;

const eventCount = async (): Promise<number> => Number((await api.app.get(ApiStores).pool.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]!.n);

beforeAll(async () => {
  api = await startApi();
  await registerProject(api, 'shop');
  const created = await graphqlData<{ createTrak: { id: string } }>(
    api.url,
    'mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }',
    { input: { project: 'shop', title: 'T', description: '' } },
    api.adminToken,
  );
  trakId = created.createTrak.id;
}, 60_000);

afterAll(async () => {
  await api?.close();
});

interface Case {
  readonly mutation: string;
  readonly type: string;
  readonly input: () => Record<string, unknown>;
  readonly select?: string;
  readonly code: string;
  readonly field?: string;
}

const CASES: readonly Case[] = [
  { mutation: 'createTrak', type: 'CreateTrakInput', input: () => ({ project: 'shop', title: '   ', description: '' }), code: 'VALIDATION_FAILED', field: 'input.title' },
  { mutation: 'createTrak', type: 'CreateTrakInput', input: () => ({ project: 'shop', title: 'T', description: '', flow: 'nope' }), code: 'VALIDATION_FAILED', field: 'input.flow' },
  { mutation: 'createTrak', type: 'CreateTrakInput', input: () => ({ project: 'shop', title: 'T', description: '', baseBranch: 'nope' }), code: 'VALIDATION_FAILED', field: 'input.baseBranch' },
  { mutation: 'createTrak', type: 'CreateTrakInput', input: () => ({ project: 'nowhere', title: 'T', description: '' }), code: 'NOT_FOUND' },
  { mutation: 'createTrak', type: 'CreateTrakInput', input: () => ({ project: 'shop', title: 'x'.repeat(301), description: '' }), code: 'VALIDATION_FAILED', field: 'input.title' },
  { mutation: 'approve', type: 'ApproveInput', input: () => ({ trakId: 'nope' }), code: 'NOT_FOUND' },
  { mutation: 'approve', type: 'ApproveInput', input: () => ({ trakId, idempotencyKey: '' }), code: 'VALIDATION_FAILED', field: 'input.idempotencyKey' },
  { mutation: 'reject', type: 'RejectInput', input: () => ({ trakId, feedback: '  ' }), code: 'VALIDATION_FAILED', field: 'input.feedback' },
  { mutation: 'reject', type: 'RejectInput', input: () => ({ trakId }), code: 'BAD_USER_INPUT' },
  { mutation: 'answerQuestions', type: 'AnswerQuestionsInput', input: () => ({ trakId, answers: [] }), code: 'VALIDATION_FAILED', field: 'input.answers' },
  { mutation: 'answerQuestions', type: 'AnswerQuestionsInput', input: () => ({ trakId, answers: ['ok', ' '] }), code: 'VALIDATION_FAILED', field: 'input.answers[1]' },
  { mutation: 'retry', type: 'RetryInput', input: () => ({ trakId, message: '' }), code: 'VALIDATION_FAILED', field: 'input.message' },
  { mutation: 'skipStage', type: 'SkipStageInput', input: () => ({ trakId, message: '' }), code: 'VALIDATION_FAILED', field: 'input.message' },
  { mutation: 'sendToStage', type: 'SendToStageInput', input: () => ({ trakId, stage: ' ', message: 'm' }), code: 'VALIDATION_FAILED', field: 'input.stage' },
  { mutation: 'sendToStage', type: 'SendToStageInput', input: () => ({ trakId, stage: 'nope', message: 'm' }), code: 'VALIDATION_FAILED', field: 'stage' },
  { mutation: 'reject', type: 'RejectInput', input: () => ({ trakId, feedback: 'f', toStage: 'nope' }), code: 'ILLEGAL_TRANSITION' },
  { mutation: 'restartStage', type: 'RestartStageInput', input: () => ({ trakId, message: '\n' }), code: 'VALIDATION_FAILED', field: 'input.message' },
  { mutation: 'finishStage', type: 'FinishStageInput', input: () => ({ trakId: '' }), code: 'VALIDATION_FAILED', field: 'input.trakId' },
  { mutation: 'interrupt', type: 'InterruptInput', input: () => ({ trakId: 'no-such-trak' }), code: 'NOT_FOUND' },
  { mutation: 'cancel', type: 'CancelInput', input: () => ({ trakId, reason: '' }), code: 'VALIDATION_FAILED', field: 'input.reason' },
  { mutation: 'setAutoMode', type: 'SetAutoModeInput', input: () => ({ trakId, enabled: 'yes' }), code: 'BAD_USER_INPUT' },
  { mutation: 'merge', type: 'MergeInput', input: () => ({ trakId }), code: 'ILLEGAL_TRANSITION' },
  { mutation: 'openPr', type: 'OpenPrInput', input: () => ({ trakId }), code: 'ILLEGAL_TRANSITION' },
  { mutation: 'archive', type: 'ArchiveInput', input: () => ({ trakId }), code: 'ILLEGAL_TRANSITION' },
  { mutation: 'registerProject', type: 'RegisterProjectInput', input: () => ({ id: 'Bad Slug', name: 'x', remote: '/tmp/x.git' }), code: 'VALIDATION_FAILED', field: 'projectId' },
  { mutation: 'registerProject', type: 'RegisterProjectInput', input: () => ({ id: 'leaky', name: 'x', remote: 'https://bob:s3cret@example.com/r.git' }), code: 'VALIDATION_FAILED', field: 'remote' },
  { mutation: 'registerProject', type: 'RegisterProjectInput', input: () => ({ id: 'gone', name: 'x', remote: '/nowhere/at/all.git' }), code: 'VALIDATION_FAILED', field: 'input.remote' },
  { mutation: 'registerProject', type: 'RegisterProjectInput', input: () => ({ id: 'shop', name: 'again', remote: '/tmp/x.git' }), code: 'ALREADY_EXISTS' },
  { mutation: 'updateProject', type: 'UpdateProjectInput', input: () => ({ id: 'shop', settings: { maxConcurrentJobs: 0 } }), code: 'VALIDATION_FAILED', field: 'input.settings.maxConcurrentJobs' },
  { mutation: 'updateProject', type: 'UpdateProjectInput', input: () => ({ id: 'shop', settings: { webhookUrl: 'ftp://hooks' } }), code: 'VALIDATION_FAILED' },
  { mutation: 'updateProject', type: 'UpdateProjectInput', input: () => ({ id: 'shop', settings: { integration: 'squash' } }), code: 'VALIDATION_FAILED', field: 'input.settings.integration' },
  { mutation: 'setMemberRole', type: 'SetMemberRoleInput', input: () => ({ projectId: 'shop', userId: 'bob', role: 'owner' }), code: 'VALIDATION_FAILED', field: 'input.role' },
  { mutation: 'removeMember', type: 'RemoveMemberInput', input: () => ({ projectId: 'shop', userId: 'admin' }), code: 'ILLEGAL_TRANSITION' },
  { mutation: 'registerUser', type: 'RegisterUserInput', input: () => ({ id: 'Not A Slug', name: 'x' }), code: 'VALIDATION_FAILED', field: 'input.id', select: 'token' },
  { mutation: 'registerUser', type: 'RegisterUserInput', input: () => ({ id: 'eve', name: 'x', email: 'not-mail' }), code: 'VALIDATION_FAILED', field: 'input.email', select: 'token' },
  { mutation: 'registerUser', type: 'RegisterUserInput', input: () => ({ id: 'admin', name: 'x' }), code: 'ALREADY_EXISTS', select: 'token' },
  { mutation: 'issueToken', type: 'IssueTokenInput', input: () => ({ name: 'ci', expiresAt: 'tomorrow' }), code: 'VALIDATION_FAILED', field: 'input.expiresAt', select: 'token' },
  { mutation: 'issueToken', type: 'IssueTokenInput', input: () => ({ name: 'ci', expiresAt: '2001-01-01T00:00:00Z' }), code: 'VALIDATION_FAILED', select: 'token' },
  { mutation: 'revokeToken', type: 'RevokeTokenInput', input: () => ({ tokenId: 'never-issued' }), code: 'VALIDATION_FAILED' },
];

describe('bad input to every mutation', () => {
  it.each(CASES.map((c, i) => [`${c.mutation} #${i + 1}`, c] as const))('%s: a typed error, nothing appended', async (_name, c) => {
    const before = await eventCount();
    const response = await graphql(api.url, `mutation($input: ${c.type}!) { ${c.mutation}(input: $input) { ${c.select ?? 'id'} } }`, { input: c.input() }, api.adminToken);
    expect(response.errors?.[0]?.message).toBeDefined();
    expect({ code: errorCode(response), message: response.errors?.[0]?.message }).toMatchObject({ code: c.code });
    if (c.field !== undefined) expect(response.errors?.[0]?.extensions?.['field']).toBe(c.field);
    expect(await eventCount()).toBe(before);
  });
});
