import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { parseInput } from '../../shell/parse-input.js';
import { Trak } from '../trak.model.js';
import { TrakCommandService } from '../trak-command.service.js';
import { ArchiveInput, archiveInput } from './archive.input.js';

@Resolver()
export class ArchiveResolver {
  constructor(private readonly commands: TrakCommandService) {}

  @Mutation(() => Trak, { description: 'Archives a done Trak (for one whose pull request was merged on the forge).' })
  async archive(@Args('input', { type: () => ArchiveInput }) args: ArchiveInput, @Context() context: ApiContext): Promise<Trak> {
    const input = parseInput(archiveInput, args);
    return this.commands.run(context, input.trakId, { type: 'Archive', data: {} }, input.idempotencyKey ?? undefined);
  }
}
