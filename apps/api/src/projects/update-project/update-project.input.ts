import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { ProjectSettingsInput, projectSettingsInput } from '../project-settings.input.js';

@InputType({ description: 'What to change; a field left out stays as it is, `null` clears an optional one.' })
export class UpdateProjectInput {
  @Field(() => String) id!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) remote?: string | null;
  @Field(() => String, { nullable: true }) baseBranch?: string | null;
  @Field(() => String, { nullable: true }) defaultFlow?: string | null;
  @Field(() => ProjectSettingsInput, { nullable: true }) settings?: ProjectSettingsInput | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

export const updateProjectInput = z.object({
  id: z.string().trim().min(1, 'must not be blank'),
  name: z.string().trim().min(1, 'must not be blank').max(200, 'must be at most 200 characters').optional(),
  remote: z.string().trim().min(1, 'must not be blank').max(2_000, 'must be at most 2000 characters').optional(),
  baseBranch: z.string().trim().min(1, 'must not be blank').optional(),
  defaultFlow: z.string().trim().min(1, 'must not be blank').nullish(),
  settings: projectSettingsInput.optional(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
});
