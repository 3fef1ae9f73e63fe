import type { KeyValueBucket } from '@orkestra/application';
import { MalformedMessageError, parseMessage, runnerEntrySchema } from '@orkestra/contracts';
import type { RunnerCapabilities } from '@orkestra/domain';

export interface RunnerDirectoryOptions {
  readonly registry: Pick<KeyValueBucket, 'entries'>;
  /** A snapshot older than this is read again when asked for. */
  readonly maxAgeMs: number;
  /** The live runners changed (one registered, left, or changed its labels or agents). */
  readonly onChange?: () => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * What the live runners can take, from the `ork_runners` registry (an entry expires when its
 * runner stops heartbeating). Asking never waits on NATS: it answers from the last reading and
 * reads again in the background once that is older than `maxAgeMs`, calling `onChange` when the
 * runners changed, so the dispatcher on the hand-off's path pays nothing for it.
 */
export class RunnerDirectory {
  private runners: readonly RunnerCapabilities[] = [];
  private readAt = 0;
  private reading: Promise<void> | undefined;

  constructor(private readonly options: RunnerDirectoryOptions) {}

  /** Reads the registry now; the first reading before the dispatcher starts. */
  async refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    await this.reading;
  }

  /** The live runners as last read. */
  live(): readonly RunnerCapabilities[] {
    if (Date.now() - this.readAt > this.options.maxAgeMs) {
      this.refresh().catch((error: unknown) => this.options.log?.('could not read the runner registry', { error: error instanceof Error ? error.message : String(error) }));
    }
    return this.runners;
  }

  private async read(): Promise<void> {
    const runners: RunnerCapabilities[] = [];
    for (const { key, value } of await this.options.registry.entries()) {
      const entry = parseMessage(runnerEntrySchema, value, 'runner');
      // Not a runner's entry: no runner to route to (the runner watch reports it).
      if (entry instanceof MalformedMessageError) continue;
      // A runner from before label routing writes no pools and reads none, so its labels take nothing.
      runners.push({ name: key, labels: entry.pools === undefined ? [] : entry.labels, agents: entry.agents });
    }
    const changed = JSON.stringify(runners) !== JSON.stringify(this.runners);
    this.runners = runners;
    this.readAt = Date.now();
    if (changed) this.options.onChange?.();
  }
}
