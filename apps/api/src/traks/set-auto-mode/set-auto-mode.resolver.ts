import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { SetAutoModeInput, setAutoModeInput } from './set-auto-mode.input.js';

@Resolver()
export class SetAutoModeResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Turns auto mode on or off. Turning it on also settles what the Trak waits for now (approves, answers, confirms).' })
  async setAutoMode(@Args('input', { type: () => SetAutoModeInput }) args: SetAutoModeInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(setAutoModeInput, args);
    return this.commands.run(context, input.trakId, { type: 'SetAutoMode', data: { enabled: input.enabled } }, input.idempotencyKey ?? undefined);
  }
}
