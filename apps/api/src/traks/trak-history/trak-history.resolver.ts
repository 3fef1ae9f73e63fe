import { Args, Context, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { ApiContext } from '../../shell/api-context.js';
import { JsonScalar } from '../../shell/json.scalar.js';
import { parseInput } from '../../shell/parse-input.js';
import { TrakReads, atOf } from '../trak-reads.js';

@ObjectType({ description: 'One event of a Trak, for audit: what happened, when, and who caused it.' })
export class TrakHistoryEntry {
  @Field(() => Int, { description: 'Its position in the Trak (1 = created); pass it to `trak(id, at:)` to see the Trak after it.' })
  version!: number;
  @Field(() => String) type!: string;
  @Field(() => String) at!: string;
  @Field(() => String, { nullable: true, description: 'The user or service whose command caused it.' }) actor?: string;
  @Field(() => String, { nullable: true, description: 'The command that caused it.' }) command?: string;
  @Field(() => JsonScalar) data!: Record<string, unknown>;
}

const args = z.object({ id: z.string().min(1, 'must not be empty') });

@Resolver()
export class TrakHistoryResolver {
  constructor(private readonly reads: TrakReads) {}

  @Query(() => [TrakHistoryEntry], { description: "Every event of a Trak's stream, oldest first." })
  async trakHistory(@Args('id', { type: () => ID }) id: string, @Context() context: ApiContext): Promise<TrakHistoryEntry[]> {
    const input = parseInput(args, { id }, 'args');
    const { events } = await this.reads.visible(context, input.id);
    return events.map((e) => {
      const actor = e.metadata['actor'];
      const command = e.metadata['commandType'];
      return {
        version: e.streamPosition,
        type: e.type,
        at: atOf(e),
        data: e.data,
        ...(typeof actor === 'string' && { actor }),
        ...(typeof command === 'string' && { command }),
      };
    });
  }
}
