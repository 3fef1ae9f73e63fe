import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { RestartStageInput, restartStageInput } from './restart-stage.input.js';

@Resolver()
export class RestartStageResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Runs the current stage again from a fresh session, with a message as feedback.' })
  async restartStage(@Args('input', { type: () => RestartStageInput }) args: RestartStageInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(restartStageInput, args);
    return this.commands.run(context, input.trakId, { type: 'Restart', data: { message: input.message } }, input.idempotencyKey ?? undefined);
  }
}
