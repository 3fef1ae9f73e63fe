import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { RetryInput, retryInput } from './retry.input.js';

@Resolver()
export class RetryResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: "Resumes the current stage's agent session with a message (from a review, a question, an interruption, a failure or a block)." })
  async retry(@Args('input', { type: () => RetryInput }) args: RetryInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(retryInput, args);
    return this.commands.run(context, input.trakId, { type: 'Retry', data: { message: input.message ?? 'Please retry.' } }, input.idempotencyKey ?? undefined);
  }
}
