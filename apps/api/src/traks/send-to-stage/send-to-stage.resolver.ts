import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { SendToStageInput, sendToStageInput } from './send-to-stage.input.js';

@Resolver()
export class SendToStageResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Sends the Trak to any stage of its flow, in a fresh session, with a message.' })
  async sendToStage(@Args('input', { type: () => SendToStageInput }) args: SendToStageInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(sendToStageInput, args);
    return this.commands.run(context, input.trakId, { type: 'SendToStage', data: { stage: input.stage, message: input.message } }, input.idempotencyKey ?? undefined);
  }
}
