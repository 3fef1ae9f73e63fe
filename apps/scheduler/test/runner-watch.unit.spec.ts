import type { KeyValueEntry } from '@orkestra/application';
import type { RunnerEntry } from '@orkestra/contracts';
import type pg from 'pg';
import { RunnerWatch } from '../src/runners/runner-watch.js';
import type { LostRun } from '../src/runners/runner-watch.js';

const LOST_AFTER_MS = 20_000;
const T0 = Date.parse('2026-11-24T10:00:00.000Z');

/** A registry entry as a runner writes it; `lastSeen` comes from the runner's own clock. */
const entry = (name: string, lastSeen: string): RunnerEntry => ({ name, labels: [], agents: ['claudecode'], slots: 1, busy: 1, jobs: ['j-1'], startedAt: lastSeen, lastSeen });

/** A registry whose entries the test rewrites, each write a new revision, as a heartbeat would. */
function registry() {
  const entries = new Map<string, KeyValueEntry>();
  let revision = 0;
  let reachable = true;
  return {
    entries: async (): Promise<KeyValueEntry[]> => {
      if (!reachable) throw new Error('NATS is not reachable');
      return [...entries.values()];
    },
    outage: (on: boolean) => void (reachable = !on),
    beat: (name: string, lastSeen: string) => void entries.set(name, { key: name, value: entry(name, lastSeen), revision: ++revision }),
  };
}

/** `scheduler.jobs` as the watch reads it: one agent run out on `runner`, started at T0 (the database's clock). */
const jobs = (runner: string) => ({ query: async () => ({ rows: [{ job_id: 'j-1', runner_id: runner, started_at: new Date(T0) }] }) }) as unknown as pg.Pool;

function watch(runner: string, bucket: ReturnType<typeof registry>) {
  let now = T0;
  const lost: LostRun[] = [];
  const w = new RunnerWatch({ pool: jobs(runner), registry: bucket, lostAfterMs: LOST_AFTER_MS, onLost: async (run) => void lost.push(run), now: () => now });
  return { lost, round: () => w.round(), at: (ms: number) => (now = T0 + ms) };
}

describe('the runner watch', () => {
  it('keeps a runner whose heartbeats keep coming, even when its clock runs an hour behind', async () => {
    const bucket = registry();
    const w = watch('box-slow-clock', bucket);
    for (let ms = 0; ms <= 60_000; ms += 2_000) {
      bucket.beat('box-slow-clock', new Date(T0 + ms - 3_600_000).toISOString());
      w.at(ms);
      await w.round();
    }
    expect(w.lost).toEqual([]);
  });

  it('does not hold a NATS outage against a runner: once the registry can be read again, the runner has the whole limit to be heard', async () => {
    const bucket = registry();
    const w = watch('box-1', bucket);
    bucket.beat('box-1', new Date(T0).toISOString());
    await w.round();
    bucket.outage(true);
    w.at(45_000);
    await expect(w.round()).rejects.toThrow('NATS is not reachable');
    bucket.outage(false);
    w.at(60_000);
    await w.round();
    w.at(60_000 + LOST_AFTER_MS - 1);
    await w.round();
    expect(w.lost).toEqual([]);
    w.at(60_001 + LOST_AFTER_MS);
    await w.round();
    expect(w.lost).toHaveLength(1);
  });

  it('declares a runner lost once its entry has not changed for longer than the limit, naming when it was last heard from', async () => {
    const bucket = registry();
    const w = watch('box-gone', bucket);
    bucket.beat('box-gone', new Date(T0).toISOString());
    w.at(1_000);
    await w.round();
    w.at(1_000 + LOST_AFTER_MS);
    await w.round();
    expect(w.lost).toEqual([]);
    w.at(1_001 + LOST_AFTER_MS);
    await w.round();
    expect(w.lost).toEqual([{ jobId: 'j-1', runnerId: 'box-gone', lastSeen: new Date(T0 + 1_000).toISOString() }]);
  });
});
