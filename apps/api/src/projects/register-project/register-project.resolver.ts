import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { instancePermits, projectDecider } from '@orkestra/domain';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiError } from '../../shell/api-error.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { ReadModels } from '../../shell/read-models.service.js';
import { membersShown } from '../project-command.service.js';
import { ProjectRepositories } from '../project-repositories.js';
import { Project } from '../project.model.js';
import { projectView } from '../project-view.js';
import { settingsPatch } from '../project-settings.input.js';
import { RegisterProjectInput, registerProjectInput } from './register-project.input.js';

@Resolver()
export class RegisterProjectResolver {
  constructor(
    private readonly stores: ApiStores,
    private readonly repositories: ProjectRepositories,
    private readonly readModels: ReadModels,
  ) {}

  @Mutation(() => Project, {
    description: 'Registers a git repository as a project (instance admins only); you become its first admin. The remote and its base branch must be reachable from the server.',
  })
  async registerProject(@Args('input', { type: () => RegisterProjectInput }) args: RegisterProjectInput, @Context() context: ApiContext): Promise<Project> {
    const input = parseInput(registerProjectInput, args);
    if (!instancePermits(context.caller, 'registerProject')) throw new ApiError('FORBIDDEN', 'Only instance admins register projects');
    const baseBranch = input.baseBranch ?? 'main';
    const command = {
      type: 'RegisterProject' as const,
      data: {
        projectId: input.id,
        name: input.name,
        remote: input.remote,
        baseBranch,
        ...(input.defaultFlow != null && { defaultFlow: input.defaultFlow }),
        ...(input.settings != null && { settings: settingsPatch(input.settings) }),
      },
    };
    // The domain judges the command first (an existing id, a bad slug, a remote with a password never reach git), then the repository is tried.
    const { state } = await this.stores.projects.read(input.id);
    projectDecider.decide({ ...command, metadata: { now: new Date().toISOString(), actor: context.caller.userId } }, state);
    await this.repositories.check(input.id, input.remote, baseBranch);
    const result = await this.stores.projects.handle(input.id, command, {
      actor: context.caller.userId,
      ...(input.idempotencyKey != null && { idempotencyKey: input.idempotencyKey }),
    });
    if (result.state.status === 'Initial') throw new Error(`Project ${input.id} vanished while it was registered`);
    const registered = result.state;
    await this.readModels.settle('read.projects', () => membersShown(this.stores, input.id, registered));
    return projectView(registered, context.caller);
  }
}
