import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { integrationJobId } from '@orkestra/domain';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { OpenPrInput, openPrInput } from './open-pr.input.js';

@Resolver()
export class OpenPrResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: "Opens a pull request for a done Trak's branch (a runner does it; the Trak shows its URL)." })
  async openPr(@Args('input', { type: () => OpenPrInput }) args: OpenPrInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(openPrInput, args);
    return this.commands.run(context, input.trakId, (visible) => ({ type: 'RequestIntegration', data: { jobId: integrationJobId(input.trakId, visible.state.trak.integrations + 1), mode: 'pr' } }), input.idempotencyKey ?? undefined);
  }
}
