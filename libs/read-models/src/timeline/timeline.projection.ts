import { trakIdOf } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import { evolve, initialState } from '@orkestra/domain';
import type { TrakEvent, TrakState } from '@orkestra/domain';
import type { Projection, Queryable } from '@orkestra/event-store';
import { StreamFolder } from '../shared/stream-folder.js';
import { timelineChanges } from './timeline-changes.js';
import type { RowChange, TimelineAgentRun, TimelineGateRun, TimelineIteration } from './timeline-rows.js';
import { AGENT_RUNS_TABLE, GATE_RUNS_TABLE, ITERATIONS_TABLE, writeChanges } from './timeline-tables.js';

export interface TimelineProjectionOptions {
  readonly schemas?: EventSchemas;
  /** Trak states kept in memory between batches. Default 10,000. */
  readonly cacheSize?: number;
}

/**
 * `read.trak_iterations`, `read.agent_runs` and `read.gate_runs`: each Trak's history of work.
 * Every event is turned into row changes by {@link timelineChanges} from the Trak's state just
 * before it (folded by the domain's own `evolve`), so a rebuild writes the same rows again.
 */
export class TimelineProjection implements Projection {
  readonly name = 'read.trak_timeline';
  readonly tables = [ITERATIONS_TABLE.name, AGENT_RUNS_TABLE.name, GATE_RUNS_TABLE.name];
  private readonly folder: StreamFolder<TrakState>;

  constructor(options: TimelineProjectionOptions = {}) {
    this.folder = new StreamFolder<TrakState>({ evolve, initialState, owns: (streamId) => trakIdOf(streamId) !== undefined, ...options });
  }

  async apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<() => void> {
    const iterations: RowChange<TimelineIteration>[] = [];
    const runs: RowChange<TimelineAgentRun>[] = [];
    const gates: RowChange<TimelineGateRun>[] = [];
    const { commit } = await this.folder.fold(tx, events, (before, event) => {
      const changes = timelineChanges(before, { type: event.type, data: event.data } as unknown as TrakEvent, event.streamPosition);
      iterations.push(...changes.iterations);
      runs.push(...changes.runs);
      gates.push(...changes.gates);
    });
    await writeChanges(tx, ITERATIONS_TABLE, iterations);
    await writeChanges(tx, AGENT_RUNS_TABLE, runs);
    await writeChanges(tx, GATE_RUNS_TABLE, gates);
    return commit;
  }

  reset(): void {
    this.folder.reset();
  }
}
