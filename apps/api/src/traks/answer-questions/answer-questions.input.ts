import { Field, InputType } from '@nestjs/graphql';
import { z } from 'zod';
import { TrakCommandInput, trakCommandFields, text } from '../trak-command.input.js';

@InputType()
export class AnswerQuestionsInput extends TrakCommandInput {
  @Field(() => [String], { description: 'One answer per pending question, in order.' }) answers!: string[];
}

export const answerQuestionsInput = z.object({ ...trakCommandFields, answers: z.array(text(), { error: 'must be a list of answers' }).min(1, 'must hold one answer per question'), });
