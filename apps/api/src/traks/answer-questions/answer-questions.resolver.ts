import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { AnswerQuestionsInput, answerQuestionsInput } from './answer-questions.input.js';

@Resolver()
export class AnswerQuestionsResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: "Answers the agent's pending questions, in the order they were asked; the stage resumes with the answers." })
  async answerQuestions(@Args('input', { type: () => AnswerQuestionsInput }) args: AnswerQuestionsInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(answerQuestionsInput, args);
    return this.commands.run(context, input.trakId, { type: 'AnswerQuestions', data: { answers: input.answers } }, input.idempotencyKey ?? undefined);
  }
}
