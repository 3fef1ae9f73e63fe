import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { ProjectCommandService } from '../project-command.service.js';
import { Project } from '../project.model.js';

@InputType()
export class SetMemberRoleInput {
  @Field(() => String) projectId!: string;
  @Field(() => String) userId!: string;
  @Field(() => String, { description: '`viewer`, `reviewer` or `admin`.' }) role!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

const setMemberRoleInput = z.object({
  projectId: z.string().trim().min(1, 'must not be blank'),
  userId: z.string().trim().min(1, 'must not be blank'),
  role: z.enum(['viewer', 'reviewer', 'admin'], { error: 'must be "viewer", "reviewer" or "admin"' }),
  idempotencyKey: z.string().min(1).max(200).nullish(),
});

@Resolver()
export class SetMemberRoleResolver {
  constructor(private readonly commands: ProjectCommandService) {}

  @Mutation(() => Project, { description: "Adds a member to a project with a role, or changes a member's role (project admins)." })
  async setMemberRole(@Args('input', { type: () => SetMemberRoleInput }) args: SetMemberRoleInput, @Context() context: ApiContext): Promise<Project> {
    const input = parseInput(setMemberRoleInput, args);
    return this.commands.run(context, input.projectId, { type: 'SetMemberRole', data: { userId: input.userId, role: input.role } }, input.idempotencyKey);
  }
}
