import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { ProjectSettingsInput, projectSettingsInput } from '../project-settings.input.js';

@InputType()
export class RegisterProjectInput {
  @Field(() => String, { description: 'A slug: lowercase letters, digits and "-", e.g. `payments-api`.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'A git URL runners can reach (credentials stay with the runners), or an absolute path to a bare repository.' })
  remote!: string;
  @Field(() => String, { nullable: true, description: 'Default `main`.' }) baseBranch?: string | null;
  @Field(() => String, { nullable: true }) defaultFlow?: string | null;
  @Field(() => ProjectSettingsInput, { nullable: true }) settings?: ProjectSettingsInput | null;
  @Field(() => String, { nullable: true, description: 'Send the same key again and the project is not registered twice.' }) idempotencyKey?: string | null;
}

export const registerProjectInput = z.object({
  id: z.string().trim().min(1, 'must not be blank'),
  name: z.string().trim().min(1, 'must not be blank').max(200, 'must be at most 200 characters'),
  remote: z.string().trim().min(1, 'must not be blank').max(2_000, 'must be at most 2000 characters'),
  baseBranch: z.string().trim().min(1, 'must not be blank').nullish(),
  defaultFlow: z.string().trim().min(1, 'must not be blank').nullish(),
  settings: projectSettingsInput.nullish(),
  idempotencyKey: z.string().min(1).max(200).nullish(),
});
