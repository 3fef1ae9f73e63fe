import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class SendToStageInput extends TrakCommandInput {
  @Field(() => String, { description: 'A stage of the flow of the Trak.' }) stage!: string;
  @Field(() => String, { description: 'What the stage should do.' }) message!: string;
}

export const sendToStageInput = z.object({ ...trakCommandFields, stage: z.string().trim().min(1, 'must not be blank'), message: text(), });
