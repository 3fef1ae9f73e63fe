import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOGS_STREAM, RUNNERS_BUCKET, logSubject } from '@orkestra/contracts';
import { agentRunId, gateRunId } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import type { Client } from 'graphql-ws';
import { errorCode, graphql, graphqlData, subscriptionClient } from './support/graphql-client.js';
import { registerProject, startApi } from './support/api-harness.js';
import type { ApiHarness } from './support/api-harness.js';

let api: ApiHarness;
let trakId: string;
const sockets: Client[] = [];
const at = '2026-12-02T10:00:00.000Z';

/** Publishes a line as a runner does: on ork.log.<trak>.<job>, deduplicated by job, attempt and number. */
async function publish(jobId: string, seq: number, line: Record<string, unknown>): Promise<void> {
  await api.nats!.bus.publish(logSubject(trakId, jobId), JSON.stringify({ seq, attempt: 1, at, ...line }), { msgId: `${jobId}:1:${seq}` });
}

interface Page {
  readonly logs: { readonly lines: { cursor: string; jobId: string; jobKind: string; stage: string | null; iteration: number | null; kind: string; text: string | null }[]; readonly hasMore: boolean; readonly endCursor: string | null };
}

const logs = (variables: Record<string, unknown>) =>
  graphqlData<Page>(
    api.url,
    'query($trakId: ID!, $stage: String, $after: String, $first: Int!) { logs(trakId: $trakId, stage: $stage, after: $after, first: $first) { lines { cursor jobId jobKind stage iteration kind text } hasMore endCursor } }',
    { first: 100, ...variables },
    api.adminToken,
  );

beforeAll(async () => {
  api = await startApi({ nats: true });
  await registerProject(api, 'shop', {
    '.orkestra/workflow.yaml': 'flows:\n  default:\n    stages:\n      - name: plan\n        artifact: plan\n      - name: work\n        artifact: summary\n        gate:\n          command: make test\n    integration:\n      on_failure: work\n',
    '.orkestra/agents/plan.md': 'Plan.',
    '.orkestra/agents/work.md': 'Work.',
  });
  const created = await graphqlData<{ createTrak: { id: string } }>(api.url, 'mutation { createTrak(input: { project: "shop", title: "T", description: "" }) { id } }', {}, api.adminToken);
  trakId = created.createTrak.id;
  await publish(agentRunId(trakId, 0, 1), 1, { kind: 'text', text: 'Planning.' });
  await publish(agentRunId(trakId, 1, 1), 1, { kind: 'session', sessionId: 's-1' });
  await publish(agentRunId(trakId, 1, 1), 2, { kind: 'tool_use', tool: 'Write', input: { file_path: 'a.txt' }, subagent: false });
  await api.nats!.bus.publish(logSubject(trakId, agentRunId(trakId, 1, 1)), 'not json at all', { msgId: 'garbage-1' });
  await publish(agentRunId(trakId, 1, 1), 3, { kind: 'text', text: 'Done.' });
  await publish(gateRunId(trakId, 1, 1), 1, { kind: 'gate_output', text: 'ok 1 - health' });
}, 60_000);

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await api?.close();
});

describe("a Trak's logs", () => {
  it('keeps every line runners published, in order, naming the stage; a malformed line is left out', async () => {
    await eventually(async () => expect((await logs({ trakId })).logs.lines).toHaveLength(5));
    const { lines } = (await logs({ trakId })).logs;
    expect(lines.map((l) => [l.jobKind, l.stage, l.iteration, l.kind, l.text])).toEqual([
      ['agent-run', 'plan', 1, 'text', 'Planning.'],
      ['agent-run', 'work', 1, 'session', null],
      ['agent-run', 'work', 1, 'tool_use', null],
      ['agent-run', 'work', 1, 'text', 'Done.'],
      ['gate-run', 'work', 1, 'gate_output', 'ok 1 - health'],
    ]);
    const cursors = lines.map((l) => Number(l.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
  });

  it("reads one stage's lines a page at a time", async () => {
    const first = (await logs({ trakId, stage: 'work', first: 2 })).logs;
    expect(first.lines.map((l) => l.kind)).toEqual(['session', 'tool_use']);
    expect(first.hasMore).toBe(true);
    const rest = (await logs({ trakId, stage: 'work', first: 2, after: first.endCursor })).logs;
    expect(rest.lines.map((l) => l.kind)).toEqual(['text', 'gate_output']);
    expect(rest.hasMore).toBe(false);
    const unknown = await graphql(api.url, 'query($id: ID!) { logs(trakId: $id, stage: "deploy") { hasMore } }', { id: trakId }, api.adminToken);
    expect(errorCode(unknown)).toBe('VALIDATION_FAILED');
    expect(unknown.errors?.[0]?.message).toMatch(/plan, work/);
  });

  it('follows live lines from a cursor: what came since, in order, then new ones', async () => {
    const { lines } = (await logs({ trakId, first: 1 })).logs;
    const client = subscriptionClient(api.url, api.adminToken);
    sockets.push(client);
    const seen: string[] = [];
    client.subscribe<{ logLines: { kind: string; text: string | null } }>(
      { query: 'subscription($id: ID!, $after: String) { logLines(trakId: $id, after: $after) { kind text } }', variables: { id: trakId, after: lines[0]!.cursor } },
      { next: (r) => r.data != null && seen.push(r.data.logLines.text ?? r.data.logLines.kind), error: () => undefined, complete: () => undefined },
    );
    await eventually(() => expect(seen).toEqual(['session', 'tool_use', 'Done.', 'ok 1 - health']));
    await publish(gateRunId(trakId, 1, 1), 2, { kind: 'gate_output', text: 'ok 2 - ready' });
    await eventually(() => expect(seen.at(-1)).toBe('ok 2 - ready'));
    expect(seen).toHaveLength(5);
  });
});

describe('the runner registry', () => {
  it('lists the live runners; job ids only for instance admins; an entry it cannot read is left out', async () => {
    const registry = await api.nats!.bus.bucket(RUNNERS_BUCKET.name);
    const now = new Date().toISOString();
    await registry.put('box-1', { name: 'box-1', labels: ['gpu'], agents: ['claudecode'], slots: 2, busy: 1, jobs: ['x_a0_1'], startedAt: now, lastSeen: now, pools: ['', 'gpu'] });
    await registry.put('box-2', { name: 'box-2', slots: 'many' });
    const asAdmin = await graphqlData<{ runners: { name: string; labels: string[]; pools: string[]; busy: number; jobs: string[] | null }[] }>(api.url, '{ runners { name labels pools busy jobs } }', {}, api.adminToken);
    expect(asAdmin.runners).toEqual([{ name: 'box-1', labels: ['gpu'], pools: ['', 'gpu'], busy: 1, jobs: ['x_a0_1'] }]);
    const viewer = await api.user('vic');
    const asViewer = await graphqlData<{ runners: { name: string; jobs: string[] | null }[] }>(api.url, '{ runners { name jobs } }', {}, viewer);
    expect(asViewer.runners).toEqual([{ name: 'box-1', jobs: null }]);
    expect(LOGS_STREAM.name).toBe('ORK_LOGS');
  });
});
