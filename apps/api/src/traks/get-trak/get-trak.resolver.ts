import { Args, Context, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakReads } from '../trak-reads.js';

const args = z.object({ id: z.string().min(1, 'must not be empty'), at: z.number().int().min(1, 'must be 1 or more (the first event)').nullish() });

@Resolver(() => Trak)
export class GetTrakResolver {
  constructor(private readonly reads: TrakReads) {}

  @Query(() => Trak, {
    description: 'A Trak as it stands now, or with `at` as it stood after its first `at` events (see `trakHistory`), folded by the same rules that run it.',
  })
  async trak(
    @Args('id', { type: () => ID }) id: string,
    @Args('at', { type: () => Int, nullable: true }) at: number | null | undefined,
    @Context() context: ApiContext,
  ): Promise<Trak> {
    const input = parseInput(args, { id, at }, 'args');
    const { view, events } = await this.reads.visible(context, input.id, input.at ?? undefined);
    // The events are at hand: the timeline fields fold them, exact at this version, instead of reading the read model.
    return { ...view, events };
  }
}
