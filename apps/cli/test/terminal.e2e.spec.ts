import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@orkestra/testing';
import { graphqlData } from '../../api/test/support/graphql-client.js';
import { registerProject, startApi } from '../../api/test/support/api-harness.js';
import type { ApiHarness } from '../../api/test/support/api-harness.js';
import { EXIT, runCli } from '../src/index.js';
import { agentAnswers, ork } from './support/cli-harness.js';
import { fakeTerminal } from './support/terminal.js';
import { removeTempHomes, tempHome } from './support/temp-home.js';

// `ork` at a terminal: it asks for what is missing, and `ork watch` asks the person whenever the Trak waits for one.

let api: ApiHarness;
let home: string;
const ENTER = '\r';
const DOWN = '\u001b[B';

async function createTrak(title: string): Promise<string> {
  const created = await graphqlData<{ createTrak: { id: string } }>(api.url, 'mutation($t: String!) { createTrak(input: { project: "shop", title: $t, description: "" }) { id } }', { t: title }, api.adminToken);
  return created.createTrak.id;
}

const status = async (id: string) => (await graphqlData<{ trak: { status: string; stage: string | null; iteration: number | null } }>(api.url, 'query($id: ID!) { trak(id: $id) { status stage iteration } }', { id }, api.adminToken)).trak;

beforeAll(async () => {
  api = await startApi({ nats: true });
  home = await tempHome();
  await registerProject(api, 'shop');
  expect((await ork(home, ['login', '--server', api.url, '--token', api.adminToken])).code).toBe(EXIT.ok);
}, 60_000);

afterAll(async () => {
  await removeTempHomes();
  await api?.close();
});

describe('ork at a terminal', () => {
  it('asks each pending question, offering its options', async () => {
    const id = await createTrak('Questions');
    await agentAnswers(api, id, { type: 'questions', questions: [{ question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }] }, { question: 'Anything else?', options: [] }] }, 'q');
    const terminal = fakeTerminal({ ORK_HOME: home });
    const exit = runCli(['trak', 'answer', id], terminal);
    await eventually(() => expect(terminal.screen()).toContain('(1/2) Which database?'));
    terminal.type(DOWN);
    terminal.type(ENTER);
    await eventually(() => expect(terminal.screen()).toContain('(2/2) Anything else?'));
    terminal.type(`No${ENTER}`);
    await expect(exit).resolves.toBe(EXIT.ok);
    expect(terminal.screen()).toContain(`Answered ${id} Queued at work#2`);
    const { trakHistory } = await graphqlData<{ trakHistory: { type: string; data: { answers?: { answer: string }[] } }[] }>(api.url, 'query($id: ID!) { trakHistory(id: $id) { type data } }', { id }, api.adminToken);
    expect(trakHistory.find((e) => e.type === 'QuestionsAnswered')?.data.answers?.map((a) => a.answer)).toEqual(['SQLite', 'No']);
  });

  it('watch: spins while the agent works, shows the artifact, and approves it when the person says so', async () => {
    const id = await createTrak('Watch me');
    const terminal = fakeTerminal({ ORK_HOME: home });
    const exit = runCli(['watch', id], terminal);
    await eventually(() => expect(terminal.screen()).toContain(`${id} Queued at work#1`));
    await agentAnswers(api, id, { type: 'artifact', content: 'Added GET /health.' }, 'w1');
    await eventually(() => expect(terminal.screen()).toContain('Approve work#1?'));
    expect(terminal.screen()).toContain('Added GET /health.');
    terminal.type(DOWN); // Reject with feedback
    terminal.type(ENTER);
    await eventually(() => expect(terminal.screen()).toContain('What should change?'));
    terminal.type(`Add a test${ENTER}`);
    await eventually(async () => expect(await status(id)).toMatchObject({ status: 'Queued', iteration: 2 }));

    await agentAnswers(api, id, { type: 'artifact', content: 'Added the test.' }, 'w2');
    await eventually(() => expect(terminal.screen().split('Approve work#2?').length).toBe(2));
    terminal.type(ENTER); // Approve
    await eventually(() => expect(terminal.screen()).toContain('Every stage passed. Integrate it?'));
    terminal.type(`${DOWN}${DOWN}${ENTER}`); // Not now
    await expect(exit).resolves.toBe(EXIT.ok);
    expect(terminal.screen()).toContain(`${id} Done`);
  }, 30_000);

  it('watch: a question someone else settles meanwhile is withdrawn, and the view goes on', async () => {
    const id = await createTrak('Raced');
    const terminal = fakeTerminal({ ORK_HOME: home });
    const controller = new AbortController();
    const exit = runCli(['watch', id], { ...terminal, signal: controller.signal });
    await agentAnswers(api, id, { type: 'artifact', content: 'Done.' }, 'r1');
    await eventually(() => expect(terminal.screen()).toContain('Approve work#1?'));
    await graphqlData(api.url, 'mutation($id: ID!) { reject(input: { trakId: $id, feedback: "Not like this" }) { id } }', { id }, api.adminToken);
    await eventually(() => expect(terminal.screen()).toContain(`${id} Queued at work#2`));
    controller.abort();
    await expect(exit).resolves.toBe(EXIT.interrupted);
  }, 30_000);
});
