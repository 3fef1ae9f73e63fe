import { Inject, Injectable } from '@nestjs/common';
import { ProjectionRunner } from '@orkestra/event-store';
import { APP_LOGGER } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import type { Projection } from '@orkestra/event-store';
import { ProjectsProjection, TimelineProjection, TraksProjection, UsersProjection } from '@orkestra/read-models';
import { API_CONFIG } from '../api.config.js';
import type { ApiConfig } from '../api.config.js';
import { ApiStores } from './api-stores.js';

/**
 * The read models the api keeps, following the log in the background. A mutation whose effect
 * the next request depends on (a new token, a new member) waits with `settle` until its read model
 * shows it, so a client can use what it was just given at once.
 */
@Injectable()
export class ReadModels {
  readonly runner: ProjectionRunner;
  /** The projections' names (their checkpoints) and the tables they own. */
  readonly names: readonly string[];
  readonly tables: readonly string[];
  private readonly projections: readonly Projection[];

  constructor(
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly stores: ApiStores,
    @Inject(APP_LOGGER) logger: AppLogger,
  ) {
    const projections: Projection[] = [new TraksProjection(), new ProjectsProjection(), new UsersProjection(), new TimelineProjection()];
    this.projections = projections;
    this.names = projections.map((p) => p.name);
    this.tables = projections.flatMap((p) => p.tables);
    this.runner = new ProjectionRunner({
      pool: stores.pool,
      databaseUrl: config.databaseUrl!,
      projections,
      onError: (error, projection) => logger.warn({ projection, error: String(error) }, 'a projection batch failed; it will be retried'),
    });
  }

  /**
   * Empties every read model and replays the whole log into it, one after the other (see
   * `ProjectionRunner.rebuild`): each is incomplete until its replay ends.
   */
  async rebuildAll(): Promise<{ name: string; tables: readonly string[]; rows: number; durationMs: number }[]> {
    const rebuilt = [];
    for (const projection of this.projections) {
      const started = performance.now();
      // The background loop may replay some batches itself meanwhile (they take turns on the checkpoint), so count rows, not events.
      await this.runner.rebuild(projection.name);
      let rows = 0;
      for (const table of projection.tables) rows += Number((await this.stores.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
      rebuilt.push({ name: projection.name, tables: projection.tables, rows, durationMs: Math.round(performance.now() - started) });
    }
    return rebuilt;
  }

  /** Catches `projection` up until `shows()` is true (at most `timeoutMs`, default 5 s; then it goes on, as the background loop will). */
  async settle(projection: string, shows: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
      await this.runner.catchUp(projection);
      if ((await shows()) || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
