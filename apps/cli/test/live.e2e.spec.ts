import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { logSubject } from '@orkestra/contracts';
import { agentRunId } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import { graphqlData } from '../../api/test/support/graphql-client.js';
import { registerProject, startApi } from '../../api/test/support/api-harness.js';
import type { ApiHarness } from '../../api/test/support/api-harness.js';
import { EXIT, runCli } from '../src/index.js';
import { agentAnswers, ork } from './support/cli-harness.js';
import { captureIo } from './support/capture-io.js';
import { removeTempHomes, tempHome } from './support/temp-home.js';

// `ork logs -f` and `ork watch` over the api's subscriptions (NATS behind them), without a terminal:
// one line per change, and the exit code says how the Trak ended.

let api: ApiHarness;
let home: string;
const at = '2026-12-02T10:00:00.000Z';

async function createTrak(title: string): Promise<string> {
  const created = await graphqlData<{ createTrak: { id: string } }>(api.url, 'mutation($t: String!) { createTrak(input: { project: "shop", title: $t, description: "" }) { id } }', { t: title }, api.adminToken);
  return created.createTrak.id;
}

async function publish(trakId: string, seq: number, line: Record<string, unknown>): Promise<void> {
  const jobId = agentRunId(trakId, 0, 1);
  await api.nats!.bus.publish(logSubject(trakId, jobId), JSON.stringify({ seq, attempt: 1, at, ...line }), { msgId: `${jobId}:1:${seq}` });
}

const mutate = (name: string, type: string, input: Record<string, unknown>) => graphqlData(api.url, `mutation($input: ${type}!) { ${name}(input: $input) { id } }`, { input }, api.adminToken);

/** Starts `ork` without waiting for it: its output so far, and its exit code once it ends. */
function start(args: readonly string[], signal?: AbortSignal) {
  const io = captureIo({ ORK_HOME: home }, signal === undefined ? {} : { signal });
  const exit = runCli(args, io);
  return { io, exit };
}

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

describe('ork logs', () => {
  it("prints a Trak's output one line each, and the same lines as one JSON document", async () => {
    const id = await createTrak('Logged');
    await publish(id, 1, { kind: 'text', text: 'Reading the code.' });
    await publish(id, 2, { kind: 'tool_use', tool: 'Write', input: { file_path: 'src/health.ts' }, subagent: false });
    await eventually(async () => expect((await ork(home, ['logs', id])).out).toBe('work#1 │ Reading the code.\nwork#1 │ → Write src/health.ts\n'));
    const json = (await ork(home, ['--json', 'logs', id])).json();
    expect(json).toMatchObject({ trakId: id, lines: [{ kind: 'text', text: 'Reading the code.' }, { kind: 'tool_use', data: { tool: 'Write' } }] });
  });

  it('with -f, prints the history, then new lines as they come, and ends when the Trak ends', async () => {
    const id = await createTrak('Followed');
    await publish(id, 1, { kind: 'text', text: 'Before.' });
    await eventually(async () => expect((await ork(home, ['logs', id])).out).toContain('Before.'));
    const follow = start(['logs', id, '-f']);
    await eventually(() => expect(follow.io.out()).toContain('Before.'));
    await publish(id, 2, { kind: 'text', text: 'After.' });
    await eventually(() => expect(follow.io.out()).toContain('work#1 │ After.'));
    await mutate('cancel', 'CancelInput', { trakId: id, reason: 'enough' });
    await expect(follow.exit).resolves.toBe(EXIT.ok);
    expect(follow.io.out()).toBe(`work#1 │ Before.\nwork#1 │ After.\n(${id} is Cancelled: no more output will come)\n`);
  }, 30_000);

  it('with -f, stops on Ctrl-C with exit 130', async () => {
    const id = await createTrak('Interrupted');
    const controller = new AbortController();
    const follow = start(['logs', id, '-f'], controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await expect(follow.exit).resolves.toBe(EXIT.interrupted);
  });
});

describe('ork watch', () => {
  it('prints a line per change and exits 0 once the Trak is done', async () => {
    const id = await createTrak('Watched');
    const watch = start(['watch', id]);
    await eventually(() => expect(watch.io.out()).toContain(`${id} Queued at work#1`));
    await agentAnswers(api, id, { type: 'artifact', content: 'Done it.' }, 'w');
    await eventually(() => expect(watch.io.out()).toContain(`${id} AwaitingApproval at work#1: Stage "work"`));
    await mutate('approve', 'ApproveInput', { trakId: id });
    await expect(watch.exit).resolves.toBe(EXIT.ok);
    const lines = watch.io.out().trimEnd().split('\n');
    // AgentRunning shows too when the live updates were flowing before the run started (else a read finds the Trak past it).
    const states = lines.map((l) => l.replace(/^\d\d:\d\d:\d\d /, '').split(':')[0]).filter((l) => !l!.includes('AgentRunning'));
    expect(states).toEqual([`${id} Queued at work#1`, `${id} AwaitingApproval at work#1`, `${id} Done`, `Ended`]);
    expect(lines.at(-1)).toContain(`ork trak merge ${id}`);
  }, 30_000);

  it('with --json, prints one JSON document per change and exits 8 when the Trak is cancelled', async () => {
    const id = await createTrak('Doomed');
    const watch = start(['--json', 'watch', id]);
    await eventually(() => expect(watch.io.out()).toContain('"Queued"'));
    await mutate('cancel', 'CancelInput', { trakId: id, reason: 'not needed' });
    await expect(watch.exit).resolves.toBe(EXIT.trakUnsuccessful);
    const documents = watch.io.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string | null; trak: { id: string; status: string } });
    expect(documents.map((d) => d.trak.status)).toEqual(['Queued', 'Cancelled']);
    // The event's name when the change came live; null when a poll read it first (a busy machine can delay the subscription).
    expect(['TrakCancelled', null]).toContain(documents[1]!.event);
  }, 30_000);

  it('trak create --wait watches the new Trak to its end', async () => {
    const watch = start(['--json', 'trak', 'create', '-p', 'shop', '-t', 'Waited for', '--wait']);
    await eventually(() => expect(watch.io.out()).toContain('"Queued"'));
    const id = (JSON.parse(watch.io.out().split('\n')[0]!) as { trak: { id: string } }).trak.id;
    await mutate('cancel', 'CancelInput', { trakId: id, reason: 'changed my mind' });
    await expect(watch.exit).resolves.toBe(EXIT.trakUnsuccessful);
    expect(watch.io.out().trimEnd().split('\n').map((l) => (JSON.parse(l) as { trak: { status: string } }).trak.status)).toEqual(['Queued', 'Cancelled']);
  }, 30_000);

  it('given a Trak that has already ended, then it says so at once', async () => {
    const id = await createTrak('Gone');
    await mutate('cancel', 'CancelInput', { trakId: id, reason: 'gone' });
    const result = await ork(home, ['watch', id]);
    expect(result.code).toBe(EXIT.trakUnsuccessful);
    expect(result.out).toContain(`Stopped: ${id} is Cancelled.`);
  });

  it('given an unknown Trak, then exit 6', async () => {
    expect((await ork(home, ['watch', 'nope'])).code).toBe(EXIT.notFound);
  });
});
