import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { agentRunId, gateRunId } from '@orkestra/domain';
import type { TrakCommand } from '@orkestra/domain';
import { bareRemote, eventually, trakFixtures } from '@orkestra/testing';
import { ApiStores } from '../src/shell/api-stores.js';
import { graphqlData } from './support/graphql-client.js';
import { startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

const { agentRunResult, agentRunStarted, createTrak, gateResult, gatedFlow, requestAgentRun, requestGateRun, sender } = trakFixtures;

const WORKFLOW = `
flows:
  default:
    stages:
      - name: work
        artifact: summary
        model: openai/gpt-5
        gate:
          command: npm test
        max_attempts: 3
    integration:
      on_failure: work
`;

const TIMELINE = `
  iterations { stage iteration trigger { kind fromStage feedback message error } attempts startedAt endedAt outcome outcomeDetail artifact }
  runs { id stage iteration agent model requestedAt runnerId startedAt sessionId endedAt status failureReason failureMessage usage { inputTokens outputTokens costUsd } outputType }
  gateResults { id stage iteration command requestedAt endedAt status passed exitCode timedOut output }`;

interface Timeline {
  id: string;
  version: number;
  iterations: Record<string, unknown>[];
  runs: Record<string, unknown>[];
  gateResults: Record<string, unknown>[];
}

let api: ApiHarness;
let stores: ApiStores;
/** The scheduler's side: commands sent through the app's own command path, dated now. */
let machine: (trakId: string, command: TrakCommand) => Promise<unknown>;

const now = (): string => new Date().toISOString();
const admin = <T>(query: string, variables: Record<string, unknown> = {}) => graphqlData<T>(api.url, query, variables, api.adminToken);

beforeAll(async () => {
  api = await startApi();
  stores = api.app.get(ApiStores);
  const send = sender(stores.traks);
  machine = (trakId, command) => send(trakId, { ...command, metadata: { now: now(), actor: 'scheduler' } } as TrakCommand);
}, 60_000);

afterAll(async () => {
  await api?.close();
});

/** One pass of the agent and the gate over the Trak's iteration `n` of stage 0, as the scheduler reports them. */
async function work(trakId: string, n: number, gateExit: number): Promise<void> {
  const runId = agentRunId(trakId, 0, n);
  const gateId = gateRunId(trakId, 0, n);
  await machine(trakId, requestAgentRun(runId));
  await machine(trakId, agentRunStarted(runId, 'runner-7', 'sess-42'));
  await machine(trakId, agentRunResult(runId, { type: 'artifact', content: `take ${n}` }, { inputTokens: 1000 * n, outputTokens: 100 * n, costUsd: 0.25 * n }));
  await machine(trakId, requestGateRun(gateId));
  await machine(trakId, gateResult(gateId, gateExit, gateExit === 0 ? 'all green' : 'FAIL health.test.ts'));
}

describe("a Trak's history of work", () => {
  let trakId: string;

  it('shows each iteration with its trigger and outcome, each agent run and each gate result', async () => {
    const remote = await bareRemote(await mkdtemp(path.join(api.dir, 'remote-')), {
      '.orkestra/workflow.yaml': WORKFLOW,
      '.orkestra/agents/work.md': 'Do the work.',
    });
    await admin('mutation($input: RegisterProjectInput!) { registerProject(input: $input) { id } }', { input: { id: 'shop', name: 'Shop', remote } });
    const created = await admin<{ createTrak: { id: string } }>('mutation($input: CreateTrakInput!) { createTrak(input: $input) { id } }', {
      input: { project: 'shop', title: 'Add a health endpoint', description: 'GET /health answers 200' },
    });
    trakId = created.createTrak.id;

    await work(trakId, 1, 1);
    await work(trakId, 2, 0);
    await admin('mutation($input: RetryInput!) { retry(input: $input) { id } }', { input: { trakId, message: 'Also answer HEAD.' } });
    await work(trakId, 3, 0);
    await admin('mutation($input: RejectInput!) { reject(input: $input) { id } }', { input: { trakId, feedback: 'Add a test for it.' } });
    await work(trakId, 4, 0);
    await admin('mutation($input: ApproveInput!) { approve(input: $input) { id } }', { input: { trakId } });

    const { trak } = await admin<{ trak: Timeline & { status: string } }>(`query($id: ID!) { trak(id: $id) { id version status ${TIMELINE} } }`, { id: trakId });
    expect(trak.status).toBe('Done');
    expect(trak.iterations.map((i) => [i['stage'], i['iteration'], i['trigger'], i['attempts'], i['outcome'], i['outcomeDetail'], i['artifact']])).toEqual([
      ['work', 1, null, 0, 'gate_failed', 'exit code 1 (attempt 1 of 3)', 'summary'],
      [
        'work', 2, { kind: 'gate_failure', fromStage: null, feedback: null, message: null, error: 'Gate failed with exit code 1:\nFAIL health.test.ts' },
        1, 'retried', 'Also answer HEAD.', 'summary',
      ],
      ['work', 3, { kind: 'user_message', fromStage: null, feedback: null, message: 'Also answer HEAD.', error: null }, 0, 'rejected', 'Add a test for it.', 'summary'],
      ['work', 4, { kind: 'rejection', fromStage: 'work', feedback: 'Add a test for it.', message: null, error: null }, 0, 'approved', 'approved by a person', 'summary'],
    ]);
    for (const [i, iteration] of trak.iterations.entries()) {
      expect(Date.parse(String(iteration['endedAt']))).toBeGreaterThanOrEqual(Date.parse(String(iteration['startedAt'])));
      if (i > 0) expect(iteration['startedAt']).toBe(trak.iterations[i - 1]!['endedAt']);
    }

    expect(trak.runs.map((r) => [r['id'], r['iteration'], r['agent'], r['model'], r['runnerId'], r['sessionId'], r['status'], r['failureReason'], r['usage'], r['outputType']])).toEqual(
      [1, 2, 3, 4].map((n) => [
        agentRunId(trakId, 0, n), n, 'opencode', 'openai/gpt-5', 'runner-7', 'sess-42', 'completed', null,
        { inputTokens: 1000 * n, outputTokens: 100 * n, costUsd: 0.25 * n }, 'artifact',
      ]),
    );
    for (const run of trak.runs) expect([run['requestedAt'], run['startedAt'], run['endedAt']].every((t) => typeof t === 'string')).toBe(true);

    expect(trak.gateResults.map((g) => [g['id'], g['iteration'], g['command'], g['status'], g['passed'], g['exitCode'], g['timedOut'], g['output']])).toEqual([
      [gateRunId(trakId, 0, 1), 1, 'npm test', 'failed', false, 1, false, 'FAIL health.test.ts'],
      [gateRunId(trakId, 0, 2), 2, 'npm test', 'passed', true, 0, false, 'all green'],
      [gateRunId(trakId, 0, 3), 3, 'npm test', 'passed', true, 0, false, 'all green'],
      [gateRunId(trakId, 0, 4), 4, 'npm test', 'passed', true, 0, false, 'all green'],
    ]);

    // The list reads the read models, which follow the log: they end up showing exactly what the log folds to.
    const { status: _status, ...folded } = trak;
    await eventually(async () => {
      const page = await admin<{ traks: { edges: { node: Timeline }[] } }>(`{ traks(filter: { project: "shop" }) { edges { node { id version ${TIMELINE} } } } }`);
      expect(page.traks.edges.map((e) => e.node)).toEqual([folded]);
    });
  });

  it('shows the history as it stood at an earlier version of the Trak', async () => {
    const { trakHistory } = await admin<{ trakHistory: { version: number; type: string }[] }>('query($id: ID!) { trakHistory(id: $id) { version type } }', { id: trakId });
    const gateFailed = trakHistory.find((e) => e.type === 'GateFailed')!.version;
    const { trak } = await admin<{ trak: Timeline }>(`query($id: ID!, $at: Int) { trak(id: $id, at: $at) { id version ${TIMELINE} } }`, { id: trakId, at: gateFailed + 1 });
    expect(trak.iterations.map((i) => [i['iteration'], i['outcome']])).toEqual([
      [1, 'gate_failed'],
      [2, null],
    ]);
    expect(trak.runs.map((r) => r['status'])).toEqual(['completed']);
    expect(trak.gateResults.map((g) => g['status'])).toEqual(['failed']);
  });
});

describe('a page of 50 Traks with their history', () => {
  it('reads each of iterations, runs and gateResults with one query for the whole page', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      await machine(id, createTrak(id, 'many', gatedFlow));
      await machine(id, requestAgentRun(agentRunId(id, 0, 1)));
      await machine(id, agentRunResult(agentRunId(id, 0, 1), { type: 'artifact', content: 'done' }, undefined));
      await machine(id, requestGateRun(gateRunId(id, 0, 1)));
    }
    const page = (first: number, fields: string) => admin<{ traks: { edges: { node: Timeline }[] } }>(`query($first: Int!) { traks(filter: { project: "many" }, first: $first) { edges { node { id ${fields} } } } }`, { first });
    await eventually(async () => {
      const { traks } = await page(50, 'gateResults { id }');
      expect(traks.edges.filter((e) => e.node.gateResults.length === 1)).toHaveLength(50);
    }, 15_000);

    // Every statement the api sends through its pool while one page is read, but the token
    // lookup (a cache of two seconds may or may not spare a request) and the webhook delivery
    // workers' polls (the api's background work, on the same pool).
    const statements: string[] = [];
    const pool = stores.pool;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text);
      if (!/\b(read\.api_tokens|notify\.)/.test(text)) statements.push(text);
      return query(...args);
    }) as typeof pool.query;
    const measure = async (first: number, fields: string) => {
      statements.length = 0;
      const result = await page(first, fields);
      return { result, total: statements.length, timeline: statements.filter((s) => /read\.(trak_iterations|agent_runs|gate_runs)/.test(s)).length };
    };
    try {
      const bare = await measure(50, 'status');
      const full = await measure(50, `${TIMELINE}`);
      const small = await measure(5, `${TIMELINE}`);

      expect(full.result.traks.edges).toHaveLength(50);
      for (const { node } of full.result.traks.edges) {
        expect(node.iterations.map((i) => [i['iteration'], i['outcome']])).toEqual([[1, null]]);
        expect(node.runs.map((r) => [r['id'], r['status'], r['outputType']])).toEqual([[agentRunId(node.id, 0, 1), 'completed', 'artifact']]);
        expect(node.gateResults.map((g) => [g['id'], g['status']])).toEqual([[gateRunId(node.id, 0, 1), 'running']]);
      }
      expect({ timeline: full.timeline, extra: full.total - bare.total }).toEqual({ timeline: 3, extra: 3 });
      expect({ timeline: small.timeline, total: small.total }).toEqual({ timeline: 3, total: full.total });
    } finally {
      pool.query = query as typeof pool.query;
    }
  }, 60_000);
});
