import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { InterruptInput, interruptInput } from './interrupt.input.js';

@Resolver()
export class InterruptResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Stops the running agent or gate; the Trak waits Interrupted until retried, restarted or redirected.' })
  async interrupt(@Args('input', { type: () => InterruptInput }) args: InterruptInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(interruptInput, args);
    return this.commands.run(context, input.trakId, { type: 'Interrupt', data: {} }, input.idempotencyKey ?? undefined);
  }
}
