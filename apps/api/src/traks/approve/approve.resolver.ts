import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { ApproveInput, approveInput } from './approve.input.js';

@Resolver()
export class ApproveResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: "Approves the output awaiting review (or confirms an agent's rejection): the Trak moves on." })
  async approve(@Args('input', { type: () => ApproveInput }) args: ApproveInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(approveInput, args);
    return this.commands.run(context, input.trakId, { type: 'Approve', data: {} }, input.idempotencyKey ?? undefined);
  }
}
