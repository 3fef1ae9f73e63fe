import { projectIdOf } from '@orkestra/application';
import type { EventSchemas, RecordedEvent } from '@orkestra/application';
import { projectDecider } from '@orkestra/domain';
import type { ProjectRecord, ProjectState } from '@orkestra/domain';
import type { Projection, Queryable } from '@orkestra/event-store';
import { StreamFolder } from '../shared/stream-folder.js';

export interface ProjectsProjectionOptions {
  readonly schemas?: EventSchemas;
  readonly cacheSize?: number;
}

/**
 * `read.projects` and `read.project_members`: each project as its decider sees it after its
 * latest event. A project's member rows are rewritten whole each time its stream moves, so a
 * removed member's row goes and the rows always equal the record's members.
 */
export class ProjectsProjection implements Projection {
  readonly name = 'read.projects';
  readonly tables = ['read.projects', 'read.project_members'];
  private readonly folder: StreamFolder<ProjectState>;

  constructor(options: ProjectsProjectionOptions = {}) {
    this.folder = new StreamFolder<ProjectState>({ ...projectDecider, owns: (streamId) => projectIdOf(streamId) !== undefined, ...options });
  }

  async apply(tx: Queryable, events: readonly RecordedEvent[]): Promise<() => void> {
    const { streams, commit } = await this.folder.fold(tx, events);
    const projects: ProjectRow[] = [];
    const members: MemberRow[] = [];
    for (const { state, position } of streams.values()) {
      if (state.status === 'Initial') continue;
      const { project } = state;
      projects.push({ ...project, status: state.status, position });
      for (const [userId, role] of Object.entries(project.members)) members.push({ projectId: project.projectId, userId, role });
    }
    if (projects.length === 0) return commit;
    const ids = projects.map((p) => p.projectId);
    await tx.query(UPSERT_PROJECTS, [
      ids,
      projects.map((p) => p.name),
      projects.map((p) => p.remote),
      projects.map((p) => p.baseBranch),
      projects.map((p) => p.defaultFlow ?? null),
      projects.map((p) => JSON.stringify(p.settings)),
      projects.map((p) => p.status),
      projects.map((p) => p.createdAt),
      projects.map((p) => p.updatedAt),
      projects.map((p) => p.position),
    ]);
    await tx.query('DELETE FROM read.project_members WHERE project_id = ANY($1::text[])', [ids]);
    await tx.query(INSERT_MEMBERS, [members.map((m) => m.projectId), members.map((m) => m.userId), members.map((m) => m.role)]);
    return commit;
  }

  reset(): void {
    this.folder.reset();
  }
}

type ProjectRow = ProjectRecord & { readonly status: string; readonly position: number };

interface MemberRow {
  readonly projectId: string;
  readonly userId: string;
  readonly role: string;
}

const UPSERT_PROJECTS = `
INSERT INTO read.projects (project_id, name, remote, base_branch, default_flow, settings, status, created_at, updated_at, stream_position)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[],
  $9::timestamptz[], $10::bigint[])
ON CONFLICT (project_id) DO UPDATE SET
  name = EXCLUDED.name, remote = EXCLUDED.remote, base_branch = EXCLUDED.base_branch, default_flow = EXCLUDED.default_flow,
  settings = EXCLUDED.settings, status = EXCLUDED.status, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
  stream_position = EXCLUDED.stream_position`;

const INSERT_MEMBERS = `
INSERT INTO read.project_members (project_id, user_id, role)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`;
