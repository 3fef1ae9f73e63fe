import { Field, ID, InputType } from '@nestjs/graphql';
import { z } from 'zod';

/** What every command on a Trak takes: which Trak, and a key that makes a retried request harmless. */
@InputType({ isAbstract: true })
export abstract class TrakCommandInput {
  @Field(() => ID) trakId!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Send the same key again (e.g. after a timeout) and the command is not applied twice: the answer is the Trak as the first attempt left it.',
  })
  idempotencyKey?: string | null;
}

export const trakCommandFields = {
  trakId: z.string().min(1, 'must not be empty'),
  idempotencyKey: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
};

/** Free text a person writes (feedback, messages, reasons): not blank, not huge. */
export const text = (limit = 20_000) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(limit, `must be at most ${limit} characters`);
