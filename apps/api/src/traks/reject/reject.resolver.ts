import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { RejectInput, rejectInput } from './reject.input.js';

@Resolver()
export class RejectResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Rejects the output awaiting review: the stage (or an earlier one, `toStage`) runs again in a fresh session with the feedback.' })
  async reject(@Args('input', { type: () => RejectInput }) args: RejectInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(rejectInput, args);
    return this.commands.run(context, input.trakId, { type: 'Reject', data: { feedback: input.feedback, ...(input.toStage != null && { toStage: input.toStage }) } }, input.idempotencyKey ?? undefined);
  }
}
