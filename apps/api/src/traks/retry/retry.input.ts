import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class RetryInput extends TrakCommandInput {
  @Field(() => String, { nullable: true, description: 'What to tell the agent; default \'Please retry.\'' }) message?: string | null;
}

export const retryInput = z.object({ ...trakCommandFields, message: text().nullish(), });
