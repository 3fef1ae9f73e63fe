import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@orkestra/testing';
import { graphqlData } from '../../api/test/support/graphql-client.js';
import { startApi } from '../../api/test/support/api-harness.js';
import type { ApiHarness } from '../../api/test/support/api-harness.js';
import { EXIT, loginFile } from '../src/index.js';
import { agentAnswers, closedPort, ork, repository } from './support/cli-harness.js';
import { removeTempHomes, tempHome } from './support/temp-home.js';

// `ork` driven through runCli against a real api (its own Postgres database), as a user or a
// script would: stored login, commands, --json documents, and every documented failure.

let api: ApiHarness;
let home: string;
const run = (...args: string[]) => ork(home, args);

async function createTrak(title: string): Promise<string> {
  const created = await run('--json', 'trak', 'create', '-p', 'shop', '-t', title, '-d', 'Expose GET /health');
  expect(created.code).toBe(EXIT.ok);
  return (created.json()['trak'] as { id: string }).id;
}

beforeAll(async () => {
  api = await startApi();
  home = await tempHome();
}, 60_000);

afterAll(async () => {
  await removeTempHomes();
  await api?.close();
});

describe('ork login', () => {
  it('given a token the server refuses, when logging in, then it exits 4 saying so and stores nothing', async () => {
    const result = await run('login', '--server', api.url, '--token', 'ork_not-a-real-token');
    expect(result.code).toBe(EXIT.unauthenticated);
    expect(result.err).toMatch(/^error: the server refused the token/);
    expect(result.err).toContain('ork login');
    await expect(stat(loginFile({ ORK_HOME: home }))).rejects.toThrow(/ENOENT/);
  });

  it('given the admin token, when logging in, then it checks it with the server and stores the login for the owner only', async () => {
    const result = await run('login', '--server', api.url, '--token', api.adminToken);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toContain(`Logged in to ${api.url}/graphql as admin (instance admin).`);
    const file = loginFile({ ORK_HOME: home });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ server: `${api.url}/graphql`, token: api.adminToken });
  });

  it('given no terminal and no token, when logging in, then it is a usage error naming the flag', async () => {
    const result = await ork(await tempHome(), ['login', '--server', api.url]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain('--token');
  });
});

describe('ork project', () => {
  it('registers a repository as a project and lists it', async () => {
    const remote = await repository(api, 'shop');
    const added = await run('project', 'add', remote, '--id', 'shop', '--name', 'The shop');
    expect(added.code).toBe(EXIT.ok);
    expect(added.out).toContain('Registered project shop');

    const listed = await run('project', 'list');
    expect(listed.out).toMatch(/^ID\s+NAME\s+BASE\s+ROLE/);
    expect(listed.out).toMatch(/shop\s+The shop\s+main\s+admin\s+Active/);
    const json = await run('--json', 'project', 'list');
    expect(json.json()['projects']).toEqual([expect.objectContaining({ id: 'shop', name: 'The shop', baseBranch: 'main', myRole: 'admin', remote })]);
  });

  it('refuses a second project with the same id (exit 7, what to do next)', async () => {
    const result = await run('project', 'add', await repository(api, 'again'), '--id', 'shop');
    expect(result.code).toBe(EXIT.rejected);
    expect(result.err).toContain('Choose another id');
  });

  it('shows the flows of the project, and a broken workflow with each problem at file:line:column', async () => {
    const flows = await run('flows', '-p', 'shop');
    expect(flows.code).toBe(EXIT.ok);
    expect(flows.out).toMatch(/default \(default\)\s+work\s+work\s+no/);

    const broken = await repository(api, 'broken', { '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: work\n    integration:\n      on_failure: work\n' });
    expect((await run('project', 'add', broken, '--id', 'broken')).code).toBe(EXIT.ok);
    const refused = await run('trak', 'create', '-p', 'broken', '-t', 'Anything');
    expect(refused.code).toBe(EXIT.rejected);
    expect(refused.err).toMatch(/\.orkestra\/workflow\.yaml:4:\d+ flows\.default\.stages\[0\]/);
    expect(refused.err).toContain('ork flows');
  });
});

describe('ork trak', () => {
  it('creates a Trak and finds it in the list and in show, for people and as JSON', async () => {
    const id = await createTrak('Health endpoint');
    // The list reads a read model that follows the log within milliseconds.
    await eventually(async () => {
      const listed = await run('trak', 'list', '-p', 'shop');
      expect(listed.code).toBe(EXIT.ok);
      expect(listed.out).toMatch(new RegExp(`${id}\\s+shop\\s+Queued\\s+work#1\\s+Health endpoint`));
    });
    const json = await run('--json', 'trak', 'list', '--status', 'queued');
    expect((json.json()['traks'] as { id: string }[]).map((t) => t.id)).toContain(id);

    const shown = await run('trak', 'show', id);
    expect(shown.out).toContain('Health endpoint');
    expect(shown.out).toContain('Status:   Queued at work#1');
    expect(shown.out).toContain(`Next: follow it with \`ork watch ${id}\``);
    expect((await run('--json', 'trak', 'show', id)).json()['trak']).toMatchObject({ id, status: 'Queued', description: 'Expose GET /health', flow: { name: 'default' } });
  });

  it('approves the output awaiting review; approving again is refused with exit 7 and the next step', async () => {
    const id = await createTrak('Approve me');
    await agentAnswers(api, id, { type: 'artifact', content: 'Added /health.' }, 'a');
    const shown = await run('trak', 'show', id);
    expect(shown.out).toContain('Artifact summary (work#1)');
    expect(shown.out).toContain('Added /health.');

    const approved = await run('trak', 'approve', id);
    expect(approved.code).toBe(EXIT.ok);
    expect(approved.out).toContain(`Approved ${id} Done`);
    expect(approved.out).toContain(`ork trak merge ${id}`);

    const again = await run('trak', 'approve', id);
    expect(again.code).toBe(EXIT.rejected);
    expect(again.err).toMatch(/^error: .*Done/);
    expect(again.err).toContain('ork trak show');
  });

  it('rejects with feedback (JSON answer); without --feedback and no terminal it is a usage error', async () => {
    const id = await createTrak('Reject me');
    await agentAnswers(api, id, { type: 'artifact', content: 'Half done.' }, 'r');
    const noFeedback = await run('trak', 'reject', id);
    expect(noFeedback.code).toBe(EXIT.usage);
    expect(noFeedback.err).toContain('-f/--feedback');

    const rejected = await run('--json', 'trak', 'reject', id, '-f', 'Add a test');
    expect(rejected.code).toBe(EXIT.ok);
    expect(rejected.json()['trak']).toMatchObject({ id, status: 'Queued', stage: 'work', iteration: 2 });
  });

  it('refuses a reviewer command from a viewer with exit 5, naming the role to ask for', async () => {
    const id = await createTrak('Not yours');
    await agentAnswers(api, id, { type: 'artifact', content: 'Done.' }, 'v');
    const token = await api.user('vera');
    await graphqlData(api.url, 'mutation { setMemberRole(input: { projectId: "shop", userId: "vera", role: "viewer" }) { id } }', {}, api.adminToken);
    const refused = await run('--token', token, 'trak', 'reject', id, '-f', 'No');
    expect(refused.code).toBe(EXIT.forbidden);
    expect(refused.err).toContain('This needs the reviewer role on project shop');
    const json = await run('--json', '--token', token, 'trak', 'approve', id);
    expect(json.json()).toEqual({ error: expect.objectContaining({ exitCode: EXIT.forbidden, code: 'FORBIDDEN', roleNeeded: 'reviewer' }) });
  });

  it('answers the pending questions from flags, in order', async () => {
    const id = await createTrak('Ask me');
    await agentAnswers(api, id, { type: 'questions', questions: [{ question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }] }, { question: 'Add a test?', options: [] }] }, 'q');
    const unasked = await run('trak', 'answer', id);
    expect(unasked.code).toBe(EXIT.usage);
    expect(unasked.err).toContain('1. Which database?');

    const answered = await run('trak', 'answer', id, '-a', 'Postgres', '-a', 'yes');
    expect(answered.code).toBe(EXIT.ok);
    expect(answered.out).toContain(`Answered ${id} Queued at work#2`);
  });

  it('cancels a Trak with a default reason', async () => {
    const id = await createTrak('Cancel me');
    const cancelled = await run('--json', 'trak', 'cancel', id);
    expect(cancelled.code).toBe(EXIT.ok);
    expect(cancelled.json()['trak']).toMatchObject({ id, status: 'Cancelled', statusDetail: expect.stringContaining('Cancelled with ork.') });
  });
});

describe('ork admin', () => {
  it('issues a token that works at once, shown once', async () => {
    const issued = await run('--json', 'admin', 'token', '--name', 'ci');
    expect(issued.code).toBe(EXIT.ok);
    const document = issued.json();
    expect(document).toMatchObject({ userId: 'admin', name: 'ci', token: expect.stringMatching(/^ork_/) });
    expect((await run('--token', String(document['token']), 'project', 'list')).code).toBe(EXIT.ok);
  });

  it('rebuilds every read model from the log; anyone but an instance admin is refused with exit 5', async () => {
    const rebuilt = await run('admin', 'rebuild');
    expect(rebuilt.code).toBe(EXIT.ok);
    expect(rebuilt.out).toMatch(/read\.traks\s+read\.traks\s+\d+/);
    expect(rebuilt.out).toContain('Rebuilt 4 read models from the log.');
    await eventually(async () => expect((await run('trak', 'list')).out).toContain('Health endpoint'));

    const refused = await run('--token', await api.user('mallory'), 'admin', 'rebuild');
    expect(refused.code).toBe(EXIT.forbidden);
    expect(refused.err).toContain('Only instance admins rebuild read models');
    expect(refused.err).toContain('ask one to do it');
  });
});

describe('failures a user meets', () => {
  it('given an unknown Trak, then exit 6 and how to find one', async () => {
    const result = await run('trak', 'show', 'no-such-trak');
    expect(result.code).toBe(EXIT.notFound);
    expect(result.err).toContain('ork trak list');
  });

  it('given a server that is down, then exit 3 with the address and how to start one', async () => {
    const port = await closedPort();
    const result = await run('--server', `http://127.0.0.1:${port}`, '--token', api.adminToken, 'trak', 'list');
    expect(result.code).toBe(EXIT.unreachable);
    expect(result.err).toBe(`error: cannot reach the server at http://127.0.0.1:${port}/graphql: connection refused\nIs the server running? Start it with \`ork up\`, or check --server / \`ork login\`.\n`);
    const json = await run('--json', '--server', `http://127.0.0.1:${port}`, '--token', 'x', 'project', 'list');
    expect(json.json()).toEqual({ error: expect.objectContaining({ exitCode: EXIT.unreachable, code: 'UNREACHABLE' }) });
  });

  it('given a bad token, then exit 4 and to log in again', async () => {
    const result = await ork(home, ['trak', 'list'], { env: { ORK_TOKEN: 'ork_revoked' } });
    expect(result.code).toBe(EXIT.unauthenticated);
    expect(result.err).toContain('ork login');
  });

  it('given the stored token and another server, then the token is not sent there', async () => {
    const result = await run('--server', 'http://127.0.0.1:1', 'trak', 'list');
    expect(result.code).toBe(EXIT.unauthenticated);
    expect(result.err).toContain(`Your login is for ${api.url}/graphql`);
  });

  it('given a bad flag, then exit 2 naming it (and a JSON error with --json)', async () => {
    const result = await run('trak', 'list', '--colour');
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain("unknown option '--colour'");
    const json = await run('--json', 'trak', 'list', '--status', 'Finished');
    expect(json.code).toBe(EXIT.usage);
    expect(json.json()).toEqual({ error: expect.objectContaining({ exitCode: EXIT.usage, message: expect.stringContaining('unknown status "Finished"') }) });
  });
});
