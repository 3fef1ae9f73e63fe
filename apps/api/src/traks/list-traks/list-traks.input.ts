import { Field, ID, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakStatusValue } from '../trak.model.js';

@InputType({ description: 'Narrows a list of Traks; every field given must hold.' })
export class TrakFilter {
  @Field(() => String, { nullable: true, description: 'Only this project.' }) project?: string | null;
  @Field(() => [TrakStatusValue], { nullable: true, description: 'Only these statuses.' }) status?: TrakStatusValue[] | null;
  @Field(() => Boolean, { nullable: true, description: 'true: only Traks waiting for a person; false: only the others.' }) needsHuman?: boolean | null;
  @Field(() => ID, { nullable: true, description: 'Only Subtraks of this Trak.' }) parent?: string | null;
  @Field(() => String, { nullable: true, description: 'Words in the title or description (case-insensitive).' }) search?: string | null;
}

export const MAX_PAGE = 100;

export const listTraksArgs = z.object({
  filter: z
    .object({
      project: z.string().min(1, 'must not be empty').nullish(),
      status: z.array(z.enum(TrakStatusValue)).nullish(),
      needsHuman: z.boolean().nullish(),
      parent: z.string().min(1, 'must not be empty').nullish(),
      search: z.string().max(200, 'must be at most 200 characters').nullish(),
    })
    .nullish(),
  first: z.number().int().min(1, 'must be at least 1').max(MAX_PAGE, `must be at most ${MAX_PAGE}`),
  after: z.string().nullish(),
});
