import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class RestartStageInput extends TrakCommandInput {
  @Field(() => String, { description: 'Feedback to address.' }) message!: string;
}

export const restartStageInput = z.object({ ...trakCommandFields, message: text(), });
