import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { ProjectCommandService } from '../project-command.service.js';
import { Project } from '../project.model.js';

@InputType()
export class ArchiveProjectInput {
  @Field(() => String) id!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

const archiveProjectInput = z.object({ id: z.string().trim().min(1, 'must not be blank'), idempotencyKey: z.string().min(1).max(200).nullish() });

@Resolver()
export class ArchiveProjectResolver {
  constructor(private readonly commands: ProjectCommandService) {}

  @Mutation(() => Project, { description: 'Archives a project: it stays readable with its history, and refuses changes and new Traks (project admins).' })
  async archiveProject(@Args('input', { type: () => ArchiveProjectInput }) args: ArchiveProjectInput, @Context() context: ApiContext): Promise<Project> {
    const input = parseInput(archiveProjectInput, args);
    return this.commands.run(context, input.id, { type: 'ArchiveProject', data: {} }, input.idempotencyKey);
  }
}
