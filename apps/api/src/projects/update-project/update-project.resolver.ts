import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { ProjectCommandService } from '../project-command.service.js';
import { ProjectRepositories } from '../project-repositories.js';
import { ProjectReads } from '../project-reads.js';
import { Project } from '../project.model.js';
import { settingsPatch } from '../project-settings.input.js';
import { UpdateProjectInput, updateProjectInput } from './update-project.input.js';

@Resolver()
export class UpdateProjectResolver {
  constructor(
    private readonly commands: ProjectCommandService,
    private readonly reads: ProjectReads,
    private readonly repositories: ProjectRepositories,
  ) {}

  @Mutation(() => Project, { description: "Changes a project's name, remote, base branch, default flow or settings (project admins)." })
  async updateProject(@Args('input', { type: () => UpdateProjectInput }) args: UpdateProjectInput, @Context() context: ApiContext): Promise<Project> {
    const input = parseInput(updateProjectInput, args);
    if (input.remote !== undefined || input.baseBranch !== undefined) {
      const { project } = await this.reads.visible(context, input.id, 'administer');
      await this.repositories.check(input.id, input.remote ?? project.remote, input.baseBranch ?? project.baseBranch);
    }
    const patch = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.remote !== undefined && { remote: input.remote }),
      ...(input.baseBranch !== undefined && { baseBranch: input.baseBranch }),
      ...(input.defaultFlow !== undefined && { defaultFlow: input.defaultFlow }),
      ...(input.settings !== undefined && { settings: settingsPatch(input.settings) }),
    };
    return this.commands.run(context, input.id, { type: 'UpdateProject', data: patch }, input.idempotencyKey);
  }
}
