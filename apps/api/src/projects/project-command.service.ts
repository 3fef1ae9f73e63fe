import { Injectable } from '@nestjs/common';
import type { ProjectCommand } from '@orkestra/domain';
import type { ApiContext } from '../shell/api-context.js';
import { ApiStores } from '../shell/api-stores.js';
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
  ) {}

  async run(context: ApiContext, projectId: string, command: PendingProjectCommand, idempotencyKey: string | null | undefined): Promise<Project> {
    await this.reads.visible(context, projectId, 'administer');
    const result = await this.stores.projects.handle(projectId, command, {
      actor: context.caller.userId,
      ...(idempotencyKey != null && { idempotencyKey }),
    });
    if (result.state.status === 'Initial') throw new Error(`Project ${projectId} vanished while a command ran on it`);
    return projectView(result.state, context.caller);
  }
}
