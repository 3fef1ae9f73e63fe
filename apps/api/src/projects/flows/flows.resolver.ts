import { Args, Context, Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Flow } from '../../traks/trak.model.js';
import { flowView } from '../../traks/trak-view.js';
import { ProjectReads } from '../project-reads.js';
import { ProjectRepositories } from '../project-repositories.js';

@ObjectType({ description: "The flows a project's workflow.yaml defines at the head of a branch: what createTrak would record." })
export class ProjectFlows {
  @Field(() => String) branch!: string;
  @Field(() => String, { description: 'The commit they were read at.' }) commit!: string;
  @Field(() => String, { description: 'The flow a Trak runs when none is named.' }) defaultFlow!: string;
  @Field(() => [Flow], { description: 'In file order.' }) flows!: Flow[];
}

const args = z.object({ project: z.string().trim().min(1, 'must not be blank'), branch: z.string().trim().min(1, 'must not be blank').nullish() });

@Resolver()
export class FlowsResolver {
  constructor(
    private readonly projects: ProjectReads,
    private readonly repositories: ProjectRepositories,
  ) {}

  @Query(() => ProjectFlows, {
    description: "Reads and validates the project's `.orkestra/workflow.yaml` at the head of `branch` (default its base branch); a broken file answers WORKFLOW_INVALID with every problem located.",
  })
  async flows(
    @Args('project', { type: () => String }) project: string,
    @Args('branch', { type: () => String, nullable: true }) branch: string | null | undefined,
    @Context() context: ApiContext,
  ): Promise<ProjectFlows> {
    const input = parseInput(args, { project, branch }, 'args');
    const { project: record } = await this.projects.visible(context, input.project);
    const at = input.branch ?? record.baseBranch;
    const { workflow, commit } = await this.repositories.workflowAt(record.projectId, record.remote, at);
    const flows = workflow.flows.map(flowView);
    return { branch: at, commit, defaultFlow: record.defaultFlow ?? flows[0]!.name, flows };
  }
}
