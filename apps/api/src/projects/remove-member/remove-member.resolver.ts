import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { ProjectCommandService } from '../project-command.service.js';
import { Project } from '../project.model.js';

@InputType()
export class RemoveMemberInput {
  @Field(() => String) projectId!: string;
  @Field(() => String) userId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

const removeMemberInput = z.object({
  projectId: z.string().trim().min(1, 'must not be blank'),
  userId: z.string().trim().min(1, 'must not be blank'),
  idempotencyKey: z.string().min(1).max(200).nullish(),
});

@Resolver()
export class RemoveMemberResolver {
  constructor(private readonly commands: ProjectCommandService) {}

  @Mutation(() => Project, { description: 'Removes a member from a project (project admins; the last admin stays).' })
  async removeMember(@Args('input', { type: () => RemoveMemberInput }) args: RemoveMemberInput, @Context() context: ApiContext): Promise<Project> {
    const input = parseInput(removeMemberInput, args);
    return this.commands.run(context, input.projectId, { type: 'RemoveMember', data: { userId: input.userId } }, input.idempotencyKey);
  }
}
