import { createHash, randomBytes } from 'node:crypto';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { requireOpenForTraks, trakBranch } from '@orkestra/domain';
import { UnknownFlowError, resolveFlowBundle } from '@orkestra/workflow-config';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiError } from '../../shell/api-error.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { ProjectReads } from '../../projects/project-reads.js';
import { ProjectRepositories } from '../../projects/project-repositories.js';
import { Trak } from '../trak.model.js';
import { atOf } from '../trak-reads.js';
import { trakView } from '../trak-view.js';
import { CreateTrakInput, createTrakInput } from './create-trak.input.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** 10 characters of base32: random, or derived from the idempotency key so a retried create finds the first Trak. */
function newTrakId(projectId: string, idempotencyKey: string | undefined): string {
  const bytes = idempotencyKey === undefined ? randomBytes(10) : createHash('sha256').update(`${projectId}\u0000${idempotencyKey}`).digest();
  return Array.from(bytes.subarray(0, 10), (b) => ALPHABET[b & 31]).join('');
}

@Resolver()
export class CreateTrakResolver {
  constructor(
    private readonly projects: ProjectReads,
    private readonly repositories: ProjectRepositories,
    private readonly stores: ApiStores,
  ) {}

  @Mutation(() => Trak, {
    description:
      "Creates a Trak on a project. Its flow is read from `.orkestra/workflow.yaml` at the head of the base branch and recorded with the Trak; a broken workflow is refused with WORKFLOW_INVALID listing each problem (file, line, column, key), and nothing is created.",
  })
  async createTrak(@Args('input', { type: () => CreateTrakInput }) args: CreateTrakInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(createTrakInput, args);
    const project = requireOpenForTraks(await this.projects.visible(context, input.project, 'createTrak'));
    const baseBranch = input.baseBranch ?? project.baseBranch;
    const { workflow, commit } = await this.repositories.workflowAt(project.projectId, project.remote, baseBranch);
    const flowName = input.flow ?? project.defaultFlow ?? workflow.flows[0]!.name;
    let bundle;
    try {
      bundle = resolveFlowBundle(workflow, flowName);
    } catch (error) {
      if (!(error instanceof UnknownFlowError)) throw error;
      const field = input.flow == null ? 'project.defaultFlow' : 'input.flow';
      throw new ApiError('VALIDATION_FAILED', `${field}: ${error.message} in .orkestra/workflow.yaml at ${baseBranch} (${commit.slice(0, 12)})`, {
        field,
        details: { flows: error.knownFlows },
      });
    }
    const trakId = newTrakId(project.projectId, input.idempotencyKey ?? undefined);
    const result = await this.stores.traks.handle(
      trakId,
      {
        type: 'CreateTrak',
        data: {
          trakId,
          projectId: project.projectId,
          title: input.title,
          description: input.description,
          flow: bundle.flow,
          subtaskFlows: bundle.subtaskFlows,
          baseBranch,
          baseCommit: commit,
          branch: trakBranch(trakId, input.title),
          // Runners with no entry of their own for the project clone it from here.
          repository: { remote: project.remote },
          autoMode: input.autoMode ?? false,
          autoPr: input.autoPr ?? project.settings.integration === 'pr',
        },
      },
      { actor: context.caller.userId, ...(input.idempotencyKey != null && { idempotencyKey: input.idempotencyKey }) },
    );
    if (result.state.status === 'Initial') throw new Error(`Trak ${trakId} vanished while it was created`);
    const last = result.events[result.events.length - 1];
    return trakView(result.state, result.streamPosition, last === undefined ? new Date().toISOString() : atOf(last));
  }
}
