import { projectPermits } from '@orkestra/domain';
import type { ProjectAction, ProjectRole } from '@orkestra/domain';
import DataLoader from 'dataloader';
import type pg from 'pg';
import { ApiError } from '../shell/api-error.js';
import type { Caller } from './caller.js';

/**
 * What the caller may do on each project, for one request. Roles are loaded once per request,
 * all projects of the request in one query. A project the caller may not read is reported as
 * not found, so its existence does not leak to other teams.
 */
export class CallerAccess {
  private readonly roles: DataLoader<string, ProjectRole | undefined>;

  constructor(
    readonly caller: Caller,
    private readonly pool: pg.Pool,
  ) {
    this.roles = new DataLoader(async (projectIds) => {
      const { rows } = await pool.query<{ project_id: string; role: ProjectRole }>(
        'SELECT project_id, role FROM read.project_members WHERE user_id = $1 AND project_id = ANY($2::text[])',
        [caller.userId, projectIds],
      );
      const byProject = new Map(rows.map((r) => [r.project_id, r.role]));
      return projectIds.map((id) => byProject.get(id));
    });
  }

  async role(projectId: string): Promise<ProjectRole | undefined> {
    return this.roles.load(projectId);
  }

  async permits(projectId: string, action: ProjectAction): Promise<boolean> {
    // An instance admin may do everything everywhere: no need to look up a role.
    if (projectPermits(undefined, action, { instanceAdmin: this.caller.instanceAdmin })) return true;
    return projectPermits(await this.role(projectId), action);
  }

  /**
   * Passes when the caller may do `action` on the project. Throws NOT_FOUND (naming `what`) when
   * the caller may not even read it, FORBIDDEN when it may read but not do this.
   */
  async require(projectId: string, action: ProjectAction, what: { readonly kind: string; readonly id: string }): Promise<void> {
    if (await this.permits(projectId, action)) return;
    if (!(await this.permits(projectId, 'read'))) {
      throw new ApiError('NOT_FOUND', `${what.kind} ${what.id} does not exist or is not visible to you`, { details: { id: what.id } });
    }
    const role = (await this.role(projectId)) ?? 'none';
    throw new ApiError('FORBIDDEN', `Your role on project ${projectId} (${role}) does not allow you to ${describeAction(action)}`, {
      details: { projectId, role, action },
    });
  }

  /** The projects the caller may read, or `all` for an instance admin. */
  async readable(): Promise<readonly string[] | 'all'> {
    if (this.caller.instanceAdmin) return 'all';
    const { rows } = await this.pool.query<{ project_id: string }>('SELECT project_id FROM read.project_members WHERE user_id = $1', [this.caller.userId]);
    return rows.map((r) => r.project_id);
  }
}

function describeAction(action: ProjectAction): string {
  switch (action) {
    case 'read':
      return 'read it';
    case 'createTrak':
      return 'create Traks';
    case 'review':
      return 'review or steer its Traks';
    case 'administer':
      return 'administer it';
    default:
      return String(action);
  }
}
