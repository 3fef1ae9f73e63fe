import type { KeyValueBucket, KeyValueEntry } from '@orkestra/application';
import { MalformedMessageError, parseMessage, runnerEntrySchema } from '@orkestra/contracts';
import type pg from 'pg';

/** An agent run whose runner stopped reporting. */
export interface LostRun {
  readonly jobId: string;
  readonly runnerId: string;
  /** When the runner was last heard of (its registry entry, or the run's start). */
  readonly lastSeen: string;
}

export interface RunnerWatchOptions {
  readonly pool: pg.Pool;
  readonly registry: Pick<KeyValueBucket, 'entries'>;
  /** A runner silent for this long has lost its runs. */
  readonly lostAfterMs: number;
  readonly onLost: (run: LostRun) => Promise<void>;
  /** A registry entry that is not a runner's; told once per written value. */
  readonly onMalformed?: (key: string, error: MalformedMessageError) => void;
  readonly now?: () => number;
}

/**
 * Watches the runner registry. A runner heartbeats into it every few seconds and its entry
 * expires when it stops; an agent run started on a runner that has been silent longer than
 * `lostAfterMs` is lost. A run the bus redelivered to another runner in the meantime names
 * that runner and is not lost.
 *
 * A runner is heard from when its entry's revision changes, timed by this process's clock: the
 * `lastSeen` a runner writes comes from the runner's clock, and a runner machine whose clock
 * runs behind would otherwise look silent, and have its runs taken away, while it works.
 */
export class RunnerWatch {
  /** Per runner: the entry's last revision, and when (this process's clock) it was first seen. */
  private readonly heard = new Map<string, { readonly revision: number; readonly at: number }>();
  /** The last look at the registry failed. */
  private blind = false;
  /** `key@revision` of entries already refused, so one bad value is reported once, not every round. */
  private readonly refused = new Set<string>();

  constructor(private readonly options: RunnerWatchOptions) {}

  /** One look at the registry and the runs out on runners. */
  async round(): Promise<undefined> {
    const now = (this.options.now ?? Date.now)();
    let entries: KeyValueEntry[];
    try {
      entries = await this.options.registry.entries();
    } catch (error) {
      this.blind = true;
      throw error;
    }
    if (this.blind) {
      // The registry could not be read for a while (NATS was away): nor could the runners write to
      // it, so that silence is not theirs. Each gets the whole limit again from now.
      for (const [key, heard] of this.heard) this.heard.set(key, { ...heard, at: now });
      this.blind = false;
    }
    for (const entry of entries) {
      const runner = parseMessage(runnerEntrySchema, entry.value, 'runner');
      if (runner instanceof MalformedMessageError) {
        const written = `${entry.key}@${entry.revision}`;
        if (!this.refused.has(written)) this.options.onMalformed?.(entry.key, runner);
        this.refused.add(written);
        continue;
      }
      if (this.heard.get(entry.key)?.revision !== entry.revision) this.heard.set(entry.key, { revision: entry.revision, at: now });
    }
    const { rows } = await this.options.pool.query<{ job_id: string; runner_id: string; started_at: Date }>(
      `SELECT job_id, runner_id, started_at FROM scheduler.jobs
        WHERE kind = 'agent-run' AND runner_id IS NOT NULL AND dispatched_at IS NOT NULL AND finished_at IS NULL`,
    );
    for (const row of rows) {
      const seen = Math.max(this.heard.get(row.runner_id)?.at ?? 0, row.started_at.getTime());
      if (now - seen <= this.options.lostAfterMs) continue;
      await this.options.onLost({ jobId: row.job_id, runnerId: row.runner_id, lastSeen: new Date(seen).toISOString() });
    }
    return undefined;
  }
}
