import { PostgresEventStore, migrate } from '@orkestra/event-store';
import { aggregateCommands, projectStreamId, projectStreamMetadata, trakCommands, userStreamId } from '@orkestra/application';
import type { AggregateCommands, RecordedEvent, WithoutMetadata } from '@orkestra/application';
import { evolve, initialState, projectDecider, userDecider } from '@orkestra/domain';
import { currentCorrelationId } from '@orkestra/platform';
import type { PendingCommand, ProjectCommand, ProjectState, TrakEvent, TrakState, UserCommand, UserState } from '@orkestra/domain';
import pg from 'pg';

/** A Trak's stream as read: its events (upcast) and the state they fold to. */
export interface TrakStream {
  readonly state: TrakState;
  readonly events: readonly RecordedEvent[];
}

/**
 * What the api reads and writes: a pool on the event log's database, and the one command path
 * of each aggregate it changes (Traks, projects, users), reading through the upcasters.
 */
export class ApiStores {
  readonly traks: AggregateCommands<TrakState, PendingCommand>;
  readonly projects: AggregateCommands<ProjectState, WithoutMetadata<ProjectCommand>>;
  readonly users: AggregateCommands<UserState, WithoutMetadata<UserCommand>>;

  private constructor(readonly pool: pg.Pool) {
    const store = new PostgresEventStore(pool);
    // A command joins the conversation of the GraphQL request it is sent in (its x-correlation-id).
    const correlation = currentCorrelationId;
    this.traks = trakCommands({ store, correlation });
    this.projects = aggregateCommands({ store, decider: projectDecider, streamId: projectStreamId, streamMetadata: projectStreamMetadata, correlation });
    this.users = aggregateCommands({ store, decider: userDecider, streamId: userStreamId, correlation });
  }

  /** Migrates the database and opens a pool on it. */
  static async open(databaseUrl: string, instance: string): Promise<ApiStores> {
    await migrate(databaseUrl);
    return new ApiStores(new pg.Pool({ connectionString: databaseUrl, application_name: `ork-api-${instance}`, max: 20 }));
  }

  /** The Trak's stream folded by the domain's own `evolve`, up to `version` events when given. */
  async readTrak(trakId: string, version?: number): Promise<TrakStream> {
    const { state, events } = await this.traks.read(trakId);
    if (version === undefined || version >= events.length) return { state, events };
    const upTo = events.filter((e) => e.streamPosition <= version);
    return { state: upTo.reduce((s, e) => evolve(s, { type: e.type, data: e.data } as unknown as TrakEvent), initialState()), events: upTo };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
