import { Injectable } from '@nestjs/common';
import type { KnownProjectState, ProjectAction } from '@orkestra/domain';
import type { ApiContext } from '../shell/api-context.js';
import { ApiError } from '../shell/api-error.js';
import { ApiStores } from '../shell/api-stores.js';

@Injectable()
export class ProjectReads {
  constructor(private readonly stores: ApiStores) {}

  /**
   * The project folded from its stream, when the caller may take `action` on it. NOT_FOUND when
   * it does not exist or the caller may not read it; FORBIDDEN when it may read but not do this.
   */
  async visible(context: ApiContext, projectId: string, action: ProjectAction = 'read'): Promise<KnownProjectState> {
    const { state } = await this.stores.projects.read(projectId);
    if (state.status === 'Initial') {
      throw new ApiError('NOT_FOUND', `Project ${projectId} does not exist or is not visible to you`, { details: { id: projectId } });
    }
    await context.access.require(projectId, action, { kind: 'Project', id: projectId });
    return state;
  }

  /** Every project the caller may read, by id. */
  async all(context: ApiContext): Promise<KnownProjectState[]> {
    const readable = await context.access.readable();
    const ids =
      readable === 'all'
        ? (await this.stores.pool.query<{ project_id: string }>('SELECT project_id FROM read.projects ORDER BY project_id')).rows.map((r) => r.project_id)
        : [...readable].sort();
    const states = await Promise.all(ids.map(async (id) => (await this.stores.projects.read(id)).state));
    return states.filter((s): s is KnownProjectState => s.status !== 'Initial');
  }
}
