import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { trakStreamId } from '@orkestra/application';
import { RESULTS_STREAM, RUNNERS_BUCKET, eventSubject, jobResultSchema, jobSubject, runnerEntrySchema } from '@orkestra/contracts';
import type { BusMessage } from '@orkestra/application';
import type { JetStreamBus } from '@orkestra/bus';
import type { GateRunJob, JobResult } from '@orkestra/domain';
import { eventually, sleep, testNats } from '@orkestra/testing';
import type { TestNats } from '@orkestra/testing';
import { execa } from 'execa';
import { bareRemote } from './support/bare-remote.js';
import { startRunnerApp } from './support/runner-app.js';

// A runner cleans up after Traks that are done: when the event log says a Trak was archived
// (or integrated, or cancelled), its worktree and local branch go; failed Traks keep theirs for
// a retry. The runner reports its disk use per project in the registry.
let nats: TestNats;
let dir: string;
let app: INestApplication;
let probe: JetStreamBus;
let dataDir: string;

const PARENT = 'tk-41';
const SUBTRAK = 'tk-41-s1';

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
const worktree = (trakId: string): string => path.join(dataDir, 'worktrees', 'project-1', trakId);
const localBranches = async (): Promise<string[]> =>
  (await execa('git', ['branch', '--format=%(refname:short)'], { cwd: path.join(dataDir, 'mirrors', 'project-1.git') })).stdout.split('\n').filter((b) => b !== '');

let position = 0;
/** Publishes an event on ORK_EVENTS the way the outbox relay does: its subject, a `PublishedEvent` body, msgId = event id. */
async function publishEvent(projectId: string, trakId: string, type: string, data: Record<string, unknown>): Promise<void> {
  position++;
  const event = {
    id: `evt-${position}`,
    streamId: trakStreamId(trakId),
    streamPosition: 9,
    globalPosition: position,
    transactionId: String(1000 + position),
    type,
    data,
    metadata: { projectId, commandId: `cmd-${position}`, commandType: 'Test', causationId: `cmd-${position}`, correlationId: `cmd-${position}` },
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
  };
  await probe.publish(eventSubject(event), JSON.stringify(event), {
    msgId: event.id,
    headers: { 'Ork-Stream-Id': event.streamId, 'Ork-Event-Type': event.type, 'Ork-Global-Position': String(event.globalPosition) },
  });
}

beforeAll(async () => {
  nats = await testNats();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-collector-'));
  dataDir = path.join(dir, 'data');
  const remote = await bareRemote(dir, { 'README.md': 'hello\n' });
  ({ app, probe } = await startRunnerApp({ dir, nats, name: 'box-7', dataDir, settings: { projects: { 'project-1': { remote } } } }));
});

afterAll(async () => {
  await app?.close();
  await probe?.close();
  await nats.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('collecting the worktrees of finished Traks', () => {
  it('removes the worktree and branch of an archived Trak, keeps a failed one, and reports disk use per project in the registry', async () => {
    await probe.provision({ streams: [RESULTS_STREAM], consumers: [{ stream: RESULTS_STREAM.name, durable: 'probe', ackWaitMs: 30_000 }], buckets: [] });
    const results: JobResult[] = [];
    await probe.consume(RESULTS_STREAM.name, 'probe', async (message: BusMessage) => {
      results.push(jobResultSchema.parse(message.json()));
    });
    const gate = (trakId: string, branch: string): GateRunJob => ({
      kind: 'gate-run',
      jobId: `${trakId}_g0_1`,
      trakId,
      projectId: 'project-1',
      stage: 'work',
      iteration: 1,
      command: 'cat README.md',
      timeoutSeconds: 30,
      repo: { branch, baseBranch: 'main' },
      env: {},
    });
    for (const job of [gate(PARENT, 'ork/tk-41-readme'), gate(SUBTRAK, 'ork/tk-41-readme-s1')]) {
      await probe.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });
    }
    await eventually(() => expect(results.map((r) => r.kind)).toEqual(['gate-finished', 'gate-finished']), 20_000);
    expect(await exists(worktree(PARENT))).toBe(true);
    expect(await exists(worktree(SUBTRAK))).toBe(true);
    expect(await localBranches()).toEqual(expect.arrayContaining(['ork/tk-41-readme', 'ork/tk-41-readme-s1']));

    // A failed Trak may be retried: it keeps its worktree. A Trak this runner never had is nothing to do.
    await publishEvent('project-1', PARENT, 'TrakFailed', { reason: 'gate failed', at: new Date().toISOString() });
    await publishEvent('project-2', 'tk-99', 'TrakArchived', { at: new Date().toISOString() });
    await publishEvent('project-1', SUBTRAK, 'TrakArchived', { at: new Date().toISOString() });

    // The worktree goes first, then its branch.
    await eventually(async () => {
      expect(await exists(worktree(SUBTRAK))).toBe(false);
      expect(await localBranches()).not.toContain('ork/tk-41-readme-s1');
    }, 10_000);
    expect(await localBranches()).toContain('ork/tk-41-readme');
    expect((await execa('git', ['status', '--porcelain'], { cwd: worktree(PARENT) })).stdout).toBe('');
    expect(await exists(path.join(worktree(PARENT), 'README.md'))).toBe(true);

    // The same event delivered again (a relay takeover) removes nothing more.
    await publishEvent('project-1', SUBTRAK, 'TrakArchived', { at: new Date().toISOString() });
    await sleep(500);
    expect(await exists(worktree(PARENT))).toBe(true);

    const registry = await probe.bucket(RUNNERS_BUCKET.name);
    // Measured after the removal, written at the next heartbeat (every 10 s).
    const entry = await eventually(async () => {
      const value = runnerEntrySchema.parse((await registry.get('box-7'))?.value);
      expect(value?.disk?.projects).toEqual([expect.objectContaining({ projectId: 'project-1' })]);
      expect(value?.disk?.projects[0]?.worktreeBytes).toBeGreaterThan(0);
      return value!;
    }, 15_000);
    const [usage] = entry.disk!.projects;
    expect(entry.name).toBe('box-7');
    expect(usage!.mirrorBytes).toBeGreaterThan(0);
    expect(usage!.totalBytes).toBe(usage!.mirrorBytes + usage!.worktreeBytes);
    expect(entry.disk!.totalBytes).toBe(usage!.totalBytes);
  }, 60_000);
});
