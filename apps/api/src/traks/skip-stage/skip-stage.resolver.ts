import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { SkipStageInput, skipStageInput } from './skip-stage.input.js';

@Resolver()
export class SkipStageResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Skips the current stage: the Trak moves to the next one (or is done after the last).' })
  async skipStage(@Args('input', { type: () => SkipStageInput }) args: SkipStageInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(skipStageInput, args);
    return this.commands.run(context, input.trakId, { type: 'Skip', data: { message: input.message } }, input.idempotencyKey ?? undefined);
  }
}
