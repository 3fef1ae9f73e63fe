import type { KeyValueBucket } from '@orkestra/application';
import type { AgentKind, RunnerCapabilities } from '@orkestra/domain';

/** The part of a runner's registry entry the scheduler routes by. */
interface RegistryEntry {
  readonly labels?: readonly string[];
  readonly agents?: readonly AgentKind[];
  /** The label pools it reads; a runner from before label routing writes none and reads none. */
  readonly pools?: readonly string[];
}

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
    const entries = await this.options.registry.entries<RegistryEntry>();
    const runners = entries.map(({ key, value }) => ({
      name: key,
      labels: Array.isArray(value.pools) ? (value.labels ?? []) : [],
      agents: value.agents ?? [],
    }));
    const changed = JSON.stringify(runners) !== JSON.stringify(this.runners);
    this.runners = runners;
    this.readAt = Date.now();
    if (changed) this.options.onChange?.();
  }
}
