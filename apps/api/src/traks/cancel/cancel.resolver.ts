import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { CancelInput, cancelInput } from './cancel.input.js';

@Resolver()
export class CancelResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Cancels the Trak for good, stopping whatever runs; its branch and history stay.' })
  async cancel(@Args('input', { type: () => CancelInput }) args: CancelInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(cancelInput, args);
    return this.commands.run(context, input.trakId, { type: 'Cancel', data: { reason: input.reason } }, input.idempotencyKey ?? undefined);
  }
}
