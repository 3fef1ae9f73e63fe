import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class SkipStageInput extends TrakCommandInput {
  @Field(() => String, { description: 'Why, for the record.' }) message!: string;
}

export const skipStageInput = z.object({ ...trakCommandFields, message: text(), });
