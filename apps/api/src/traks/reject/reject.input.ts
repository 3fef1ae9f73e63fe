import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class RejectInput extends TrakCommandInput {
  @Field(() => String, { description: 'What to change.' }) feedback!: string;
  @Field(() => String, { nullable: true, description: 'An earlier stage to send the work back to; default the current one.' }) toStage?: string | null;
}

export const rejectInput = z.object({ ...trakCommandFields, feedback: text(), toStage: z.string().trim().min(1, 'must not be blank').nullish(), });
