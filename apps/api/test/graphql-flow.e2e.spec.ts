import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { bareRemote, eventually, startModelServer, startRunnerMachine, startSchedulerProcess, startScriptedAgents } from '@orkestra/testing';
import type { AgentScript, ModelServer, RunnerMachine, ScriptTurn, ScriptedAgents, ServiceProcess } from '@orkestra/testing';
import { execa } from 'execa';
import type { Client } from 'graphql-ws';
import { graphqlData, subscriptionClient } from './support/graphql-client.js';
import { readModelRows, rebuildReadModels, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

// The acceptance test of the front door: real Postgres and NATS, the scheduler and a runner as
// deployed (their dist), the real Claude Code CLI against the scripted model server, and a person
// who does everything through GraphQL: register the project, create the Trak, watch it over a
// subscription, answer the planner's question, reject the work once, approve, merge.
jest.setTimeout(300_000);

const WORKFLOW = `
flows:
  default:
    stages:
      - name: planning
        artifact: plan
      - name: work
        artifact: summary
    integration:
      on_failure: work
`;

const answer = (input: Record<string, unknown>): ScriptTurn => ({ tool_use: [{ name: 'StructuredOutput', input }] });
const write = (file: string, content: string): ScriptTurn => ({ text: `Writing ${file}.`, tool_use: [{ name: 'Write', input: { file_path: `{{cwd}}/${file}`, content } }] });

const JS = 'export const health = () => ({ status: "ok" });\n';
const JS_TEST = 'import { health } from "../src/health.js";\n// health() says ok\n';

const script: AgentScript = (run) => {
  switch (`${run.stage} ${run.attempt}`) {
    case 'planning 1':
      return [answer({ type: 'questions', questions: [{ question: 'JSON or plain text?', options: [{ label: 'JSON' }, { label: 'Plain text' }] }] })];
    case 'planning 2':
      return [answer({ type: 'plan', content: 'Plan: GET /health answers {"status":"ok"} as JSON.' })];
    case 'work 1':
      return [write('src/health.js', JS), answer({ type: 'summary', content: 'Added src/health.js' })];
    case 'work 2':
      return [write('tests/health.test.js', JS_TEST), answer({ type: 'summary', content: 'Added the test' })];
    default:
      throw new Error(`no script for ${JSON.stringify(run)}`);
  }
};

interface Update {
  readonly cursor: string;
  readonly event: string;
  readonly trak: { readonly id: string; readonly status: string; readonly stage: string | null; readonly needsHuman: { readonly kind: string } | null };
}

let dir: string;
let api: ApiHarness;
let server: ModelServer;
let agents: ScriptedAgents;
let runner: RunnerMachine | undefined;
let scheduler: ServiceProcess | undefined;
let remote: string;
const sockets: Client[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-api-flow-'));
  api = await startApi({ nats: true });
  remote = await bareRemote(path.join(dir, 'shop'), {
    '.orkestra/workflow.yaml': WORKFLOW,
    '.orkestra/agents/planning.md': 'Plan the Trak. Ask what you need to know.',
    '.orkestra/agents/work.md': 'Do the work the plan describes.',
    'README.md': '# shop\n',
  });
  server = await startModelServer({ protocol: 'anthropic', script: { turns: ['unused'] } });
  agents = await startScriptedAgents(server, script);
  const nats = api.nats!;
  scheduler = startSchedulerProcess({ databaseUrl: api.database.url, nats: nats.nats, instance: 'flow' });
  // No entry for the project: the runner clones the remote the project was registered with, which every job carries.
  runner = await startRunnerMachine({ name: 'box-1', dir, nats: nats.nats, bus: nats.bus, modelUrl: agents.url, projects: {} });
}, 120_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await runner?.stop().catch((error: unknown) => console.error(String(error)));
  if (scheduler !== undefined && scheduler.child.exitCode === null) {
    process.kill(-scheduler.pid, 'SIGTERM');
    await scheduler.exited;
  }
  await agents?.close();
  await server?.close();
  await api?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
});

const gql = <T>(query: string, variables: Record<string, unknown> = {}) => graphqlData<T>(api.url, query, variables, api.adminToken);

function watch(query: string, variables: Record<string, unknown>): Update[] {
  const client = subscriptionClient(api.url, api.adminToken);
  sockets.push(client);
  const updates: Update[] = [];
  client.subscribe<Record<string, Update>>(
    { query, variables },
    {
      next: (result) => {
        const update = result.data == null ? undefined : Object.values(result.data)[0];
        if (update !== undefined) updates.push(update);
      },
      error: (error) => {
        throw new Error(`subscription failed: ${JSON.stringify(error)}`);
      },
      complete: () => undefined,
    },
  );
  return updates;
}

/** Waits for the next time the project's subscription says the Trak needs a person, then returns why. */
async function nextNeed(needs: Update[], seen: number, timeoutMs = 120_000): Promise<Update> {
  await eventually(() => expect(needs.length).toBeGreaterThan(seen), timeoutMs);
  return needs[seen]!;
}

describe('a person drives a Trak from creation to merge, only through GraphQL', () => {
  it('answers, rejects once with feedback, approves and merges; the work lands on main', async () => {
    await gql('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id: 'shop', name: 'Shop', remote } });
    const needs = watch('subscription { needsHuman(project: "shop") { cursor event trak { id status stage needsHuman { kind } } } }', {});
    await new Promise((resolve) => setTimeout(resolve, 300));

    const { createTrak } = await gql<{ createTrak: { id: string; status: string } }>(
      'mutation($input: CreateTrakInput!) { createTrak(input: $input) { id status } }',
      { input: { project: 'shop', title: 'Health endpoint', description: 'Serve GET /health', idempotencyKey: 'health-1' } },
    );
    const trakId = createTrak.id;
    expect(createTrak.status).toBe('Queued');
    const updates = watch('subscription($id: ID!) { trakUpdated(trak: $id) { cursor event trak { id status stage needsHuman { kind } } } }', { id: trakId });

    // 1. The planner asks; the person answers and the planner resumes its session with the answer.
    const asked = await nextNeed(needs, 0);
    expect(asked.trak).toMatchObject({ id: trakId, status: 'AwaitingAnswers', stage: 'planning', needsHuman: { kind: 'AwaitingAnswers' } });
    const { trak: withQuestions } = await gql<{ trak: { questions: { question: string }[] } }>('query($id: ID!) { trak(id: $id) { questions { question } } }', { id: trakId });
    expect(withQuestions.questions).toEqual([{ question: 'JSON or plain text?' }]);
    await gql('mutation($input: AnswerQuestionsInput!) { answerQuestions(input: $input) { status } }', { input: { trakId, answers: ['JSON'] } });

    // 2. The plan is approved.
    const planned = await nextNeed(needs, 1);
    expect(planned.trak).toMatchObject({ status: 'AwaitingApproval', stage: 'planning' });
    await gql('mutation($input: ApproveInput!) { approve(input: $input) { status stage } }', { input: { trakId } });

    // 3. The work is rejected once with feedback, then approved.
    const worked = await nextNeed(needs, 2);
    expect(worked.trak).toMatchObject({ status: 'AwaitingApproval', stage: 'work' });
    await gql('mutation($input: RejectInput!) { reject(input: $input) { status } }', { input: { trakId, feedback: 'Add a test for health()' } });
    const reworked = await nextNeed(needs, 3);
    expect(reworked.trak).toMatchObject({ status: 'AwaitingApproval', stage: 'work' });
    await gql('mutation($input: ApproveInput!) { approve(input: $input) { status } }', { input: { trakId } });

    // 4. Done: the flow does not merge on its own, so the person merges.
    const done = await nextNeed(needs, 4);
    expect(done.trak).toMatchObject({ status: 'Done', needsHuman: { kind: 'AwaitingMergeDecision' } });
    await gql('mutation($input: MergeInput!) { merge(input: $input) { status } }', { input: { trakId, idempotencyKey: 'merge-1' } });
    await eventually(() => expect(updates.at(-1)?.trak.status).toBe('Archived'), 120_000);

    // The subscription saw every step in order, once each.
    const cursors = updates.map((u) => Number(u.cursor));
    expect(new Set(cursors).size).toBe(cursors.length);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(updates.map((u) => u.event)).toEqual(expect.arrayContaining(['QuestionsAnswered', 'StageRejected', 'IntegrationRequested', 'IntegrationSucceeded']));

    // The agents heard the person: the answer in the resumed planner, the feedback in the new work session.
    const runs = agents.runs();
    expect(runs.map((r) => `${r.stage} ${r.start}`)).toEqual(['planning spawn', 'planning answers', 'work spawn', 'work spawn']);
    expect(runs[1]!.prompt).toContain('JSON');
    expect(runs[3]!.prompt).toContain('Add a test for health()');

    // And the work is on main.
    const checkout = await mkdtemp(path.join(dir, 'check-'));
    await execa('git', ['clone', '--quiet', '--branch', 'main', remote, checkout]);
    expect(await readFile(path.join(checkout, 'src/health.js'), 'utf8')).toBe(JS);
    expect(await readFile(path.join(checkout, 'tests/health.test.js'), 'utf8')).toBe(JS_TEST);

    // Every read model the api keeps is exactly what a rebuild from the log gives.
    const before = await readModelRows(api);
    await rebuildReadModels(api);
    expect(await readModelRows(api)).toEqual(before);

    // The history names who did what.
    const { trakHistory } = await gql<{ trakHistory: { type: string; actor: string | null }[] }>('query($id: ID!) { trakHistory(id: $id) { type actor } }', { id: trakId });
    expect(trakHistory.filter((e) => ['QuestionsAnswered', 'StageRejected', 'IntegrationRequested'].includes(e.type)).map((e) => e.actor)).toEqual(['admin', 'admin', 'admin']);
  });
});
