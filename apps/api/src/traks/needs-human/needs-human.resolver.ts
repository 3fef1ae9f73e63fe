import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { TrakFeed } from '../../subscriptions/trak-feed.service.js';
import { TrakUpdate, toUpdate } from '../trak-updated/trak-updated.resolver.js';

@Resolver()
export class NeedsHumanResolver {
  constructor(private readonly feed: TrakFeed) {}

  @Subscription(() => TrakUpdate, {
    description: "Each time a Trak of the project starts waiting for a person (output to approve, questions, a rejection to confirm, a failure, a block, a merge decision); `trak.needsHuman` says why.",
    resolve: (value: TrakUpdate) => value,
  })
  async needsHuman(
    @Args('project', { type: () => String }) project: string,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
    @Context() context: ApiContext,
  ): Promise<AsyncIterableIterator<TrakUpdate>> {
    await context.access.require(project, 'read', { kind: 'Project', id: project });
    return this.feed.stream((c) => c.detail.projectId === project && c.detail.newAttention !== undefined, toUpdate, after);
  }
}
