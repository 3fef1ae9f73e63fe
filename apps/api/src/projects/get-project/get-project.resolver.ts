import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Project } from '../project.model.js';
import { ProjectReads } from '../project-reads.js';
import { projectView } from '../project-view.js';

const args = z.object({ id: z.string().min(1, 'must not be empty') });

@Resolver()
export class GetProjectResolver {
  constructor(private readonly reads: ProjectReads) {}

  @Query(() => Project, { description: 'A project you can read.' })
  async project(@Args('id', { type: () => String }) id: string, @Context() context: ApiContext): Promise<Project> {
    const input = parseInput(args, { id }, 'args');
    return projectView(await this.reads.visible(context, input.id), context.caller);
  }

  @Query(() => [Project], { description: 'The projects you can read, by id.' })
  async projects(@Context() context: ApiContext): Promise<Project[]> {
    return (await this.reads.all(context)).map((state) => projectView(state, context.caller));
  }
}
