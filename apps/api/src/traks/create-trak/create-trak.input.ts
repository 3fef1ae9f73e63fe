import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';

@InputType()
export class CreateTrakInput {
  @Field(() => String, { description: 'The project it runs on.' }) project!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { description: 'What to do, in as much detail as helps.' }) description!: string;
  @Field(() => String, { nullable: true, description: "A flow of the project's workflow.yaml; default the project's default flow, else the first." })
  flow?: string | null;
  @Field(() => String, { nullable: true, description: "The branch to start from and integrate into; default the project's base branch." })
  baseBranch?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Skip every human pause (default false).' }) autoMode?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "Open a pull request when done instead of merging; default the project's setting." })
  autoPr?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Send the same key again and no second Trak is created: the answer is the first one.' })
  idempotencyKey?: string | null;
}

export const createTrakInput = z.object({
  project: z.string().trim().min(1, 'must not be blank'),
  title: z.string().trim().min(1, 'must not be blank').max(300, 'must be at most 300 characters'),
  description: z.string().max(100_000, 'must be at most 100000 characters'),
  flow: z.string().trim().min(1, 'must not be blank').nullish(),
  baseBranch: z.string().trim().min(1, 'must not be blank').nullish(),
  autoMode: z.boolean().nullish(),
  autoPr: z.boolean().nullish(),
  idempotencyKey: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});
