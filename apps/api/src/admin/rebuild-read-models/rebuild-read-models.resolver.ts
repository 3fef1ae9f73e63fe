import { Context, Field, Int, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { instancePermits } from '@orkestra/domain';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiError } from '../../shell/api-error.js';
import { ReadModels } from '../../shell/read-models.service.js';

@ObjectType({ description: 'One read model, rebuilt from the event log.' })
export class RebuiltReadModel {
  @Field(() => String, { description: 'Its projection (and checkpoint) name, e.g. `read.traks`.' }) name!: string;
  @Field(() => [String], { description: 'The tables it emptied and filled again.' }) tables!: string[];
  @Field(() => Int, { description: 'Rows its tables hold once rebuilt.' }) rows!: number;
  @Field(() => Int, { description: 'How long its rebuild took.' }) durationMs!: number;
}

@Resolver()
export class RebuildReadModelsResolver {
  constructor(private readonly readModels: ReadModels) {}

  @Mutation(() => [RebuiltReadModel], {
    description:
      'Empties every read model the api keeps and replays the whole event log into it, one after the other (instance admins only); answers when all are rebuilt. Meanwhile lists, permission checks and token checks read incomplete tables: run it at a quiet moment. Running it again does no harm, so it takes no idempotency key.',
  })
  async rebuildReadModels(@Context() context: ApiContext): Promise<RebuiltReadModel[]> {
    if (!instancePermits(context.caller, 'rebuildReadModels')) throw new ApiError('FORBIDDEN', 'Only instance admins rebuild read models');
    return (await this.readModels.rebuildAll()).map((r) => ({ ...r, tables: [...r.tables] }));
  }
}
