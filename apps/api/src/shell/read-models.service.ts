import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProjectionRunner } from '@orkestra/event-store';
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
  private readonly logger = new Logger('api');
  readonly runner: ProjectionRunner;
  /** The projections' names (their checkpoints) and the tables they own. */
  readonly names: readonly string[];
  readonly tables: readonly string[];

  constructor(@Inject(API_CONFIG) config: ApiConfig, stores: ApiStores) {
    const projections: Projection[] = [new TraksProjection(), new ProjectsProjection(), new UsersProjection(), new TimelineProjection()];
    this.names = projections.map((p) => p.name);
    this.tables = projections.flatMap((p) => p.tables);
    this.runner = new ProjectionRunner({
      pool: stores.pool,
      databaseUrl: config.databaseUrl!,
      projections,
      onError: (error, projection) => this.logger.warn({ msg: 'a projection batch failed; it will be retried', projection, error: String(error) }),
    });
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
