import { Injectable } from '@nestjs/common';
import type { KnownProjectState, ProjectCommand } from '@orkestra/domain';
import type { ApiContext } from '../shell/api-context.js';
import { ApiStores } from '../shell/api-stores.js';
import { ReadModels } from '../shell/read-models.service.js';
import { ProjectReads } from './project-reads.js';
import type { Project } from './project.model.js';
import { projectView } from './project-view.js';

type PendingProjectCommand = ProjectCommand extends infer C ? (C extends ProjectCommand ? Omit<C, 'metadata'> : never) : never;

/** The path of every change to a registered project: project admins (and instance admins) only. */
@Injectable()
export class ProjectCommandService {
  constructor(
    private readonly reads: ProjectReads,
    private readonly stores: ApiStores,
    private readonly readModels: ReadModels,
  ) {}

  async run(context: ApiContext, projectId: string, command: PendingProjectCommand, idempotencyKey: string | null | undefined): Promise<Project> {
    await this.reads.visible(context, projectId, 'administer');
    const result = await this.stores.projects.handle(projectId, command, {
      actor: context.caller.userId,
      ...(idempotencyKey != null && { idempotencyKey }),
    });
    const { state } = result;
    if (state.status === 'Initial') throw new Error(`Project ${projectId} vanished while a command ran on it`);
    await this.readModels.settle('read.projects', () => membersShown(this.stores, projectId, state));
    return projectView(state, context.caller);
  }
}

/** Whether read.project_members (what permission checks read) holds exactly the project's members as the command left them. */
export async function membersShown(stores: ApiStores, projectId: string, state: KnownProjectState): Promise<boolean> {
  const { rows } = await stores.pool.query<{ user_id: string; role: string }>('SELECT user_id, role FROM read.project_members WHERE project_id = $1', [projectId]);
  const shown = Object.fromEntries(rows.map((r) => [r.user_id, r.role]));
  const wanted = state.project.members;
  return Object.keys(wanted).length === rows.length && Object.entries(wanted).every(([user, role]) => shown[user] === role);
}
