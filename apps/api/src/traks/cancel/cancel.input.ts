import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class CancelInput extends TrakCommandInput {
  @Field(() => String, { description: 'Why, for the record.' }) reason!: string;
}

export const cancelInput = z.object({ ...trakCommandFields, reason: text(2_000), });
