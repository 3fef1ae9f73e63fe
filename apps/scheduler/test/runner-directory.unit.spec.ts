import type { KeyValueEntry } from '@orkestra/application';
import type { RunnerEntry } from '@orkestra/contracts';
import { eventually } from '@orkestra/testing';
import { RunnerDirectory } from '../src/runners/runner-directory.js';

/** A runner's registry entry as a runner writes it, with the fields the directory routes by. */
const entry = (name: string, fields: Pick<RunnerEntry, 'labels' | 'agents'> & Partial<RunnerEntry>): RunnerEntry => ({
  name,
  slots: 1,
  busy: 0,
  jobs: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:05.000Z',
  ...fields,
});

/** The registry as the directory reads it: entries the test changes at will, and how often it was read. */
function registry(entries: Record<string, unknown>) {
  let reads = 0;
  return {
    entries: async (): Promise<KeyValueEntry[]> => {
      reads++;
      return Object.entries(entries).map(([key, value], i) => ({ key, value, revision: i + 1 }));
    },
    reads: () => reads,
    set: (key: string, value: unknown) => (entries[key] = value),
  };
}

describe('the live runners as the dispatcher sees them', () => {
  it('takes each runner’s labels and agents from its registry entry, and counts a runner from before label routing as having no labels', async () => {
    const bucket = registry({
      'gpu-box': entry('gpu-box', { labels: ['gpu', 'linux'], pools: ['gpu', 'linux', 'gpu+linux'], agents: ['claudecode'] }),
      'old-box': entry('old-box', { labels: ['gpu'], agents: ['claudecode'] }),
    });
    const directory = new RunnerDirectory({ registry: bucket, maxAgeMs: 1_000 });
    await directory.refresh();
    expect(directory.live()).toEqual([
      { name: 'gpu-box', labels: ['gpu', 'linux'], agents: ['claudecode'] },
      { name: 'old-box', labels: [], agents: ['claudecode'] },
    ]);
  });

  it('leaves out an entry that is not a runner’s, so no job is judged takeable by it', async () => {
    const bucket = registry({
      'gpu-box': entry('gpu-box', { labels: ['gpu'], pools: ['gpu'], agents: ['claudecode'] }),
      'odd-box': { labels: ['gpu'], pools: ['gpu'], agents: ['claudecode'] },
    });
    const directory = new RunnerDirectory({ registry: bucket, maxAgeMs: 1_000 });
    await directory.refresh();
    expect(directory.live().map((r) => r.name)).toEqual(['gpu-box']);
  });

  it('answers from its last reading at once, reads again in the background once that is stale, and says when the runners changed', async () => {
    const bucket = registry({ 'linux-box': entry('linux-box', { labels: ['linux'], pools: ['linux'], agents: [] }) });
    let changes = 0;
    const directory = new RunnerDirectory({ registry: bucket, maxAgeMs: 50, onChange: () => changes++ });
    await directory.refresh();
    expect(changes).toBe(1);

    bucket.set('gpu-box', entry('gpu-box', { labels: ['gpu'], pools: ['gpu'], agents: ['claudecode'] }));
    expect(directory.live().map((r) => r.name)).toEqual(['linux-box']);
    expect(bucket.reads()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(directory.live().map((r) => r.name)).toEqual(['linux-box']);
    await eventually(() => expect(directory.live().map((r) => r.name)).toEqual(['linux-box', 'gpu-box']));
    expect(changes).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 60));
    directory.live();
    await eventually(() => expect(bucket.reads()).toBe(3));
    expect(changes).toBe(2);
  });
});
