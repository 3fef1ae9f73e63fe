import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { FinishStageInput, finishStageInput } from './finish-stage.input.js';

@Resolver()
export class FinishStageResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Accepts the current stage as it stands, whatever it produced so far, and moves on.' })
  async finishStage(@Args('input', { type: () => FinishStageInput }) args: FinishStageInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(finishStageInput, args);
    return this.commands.run(context, input.trakId, { type: 'Finish', data: {} }, input.idempotencyKey ?? undefined);
  }
}
