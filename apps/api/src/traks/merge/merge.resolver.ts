import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { integrationJobId } from '@orkestra/domain';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { MergeInput, mergeInput } from './merge.input.js';

@Resolver()
export class MergeResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: "Merges a done Trak's branch into its base branch (a runner does it; watch the Trak for the result)." })
  async merge(@Args('input', { type: () => MergeInput }) args: MergeInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(mergeInput, args);
    return this.commands.run(context, input.trakId, (visible) => ({ type: 'RequestIntegration', data: { jobId: integrationJobId(input.trakId, visible.state.trak.integrations + 1), mode: 'merge' } }), input.idempotencyKey ?? undefined);
  }
}
