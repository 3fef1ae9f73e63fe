import { Args, Context, Field, ID, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiError } from '../../shell/api-error.js';
import type { FeedEvent } from '../../subscriptions/event-feed.js';
import type { TrakChange } from '../../subscriptions/trak-changes.js';
import { TrakFeed } from '../../subscriptions/trak-feed.service.js';
import { Trak } from '../trak.model.js';
import { TrakReads } from '../trak-reads.js';

@ObjectType({ description: 'A Trak as one of its events left it.' })
export class TrakUpdate {
  @Field(() => String, { description: 'Pass as `after` when subscribing again to get every update after this one, in order, once.' }) cursor!: string;
  @Field(() => String, { description: 'The event, e.g. `StageApproved`.' }) event!: string;
  @Field(() => Trak) trak!: Trak;
}

export const toUpdate = (change: FeedEvent<TrakChange>): TrakUpdate => ({ cursor: String(change.seq), event: change.event.type, trak: change.detail.trak });

@Resolver()
export class TrakUpdatedResolver {
  constructor(
    private readonly feed: TrakFeed,
    private readonly reads: TrakReads,
  ) {}

  @Subscription(() => TrakUpdate, {
    description: "Every change to one Trak (`trak`) or to a project's Traks (`project`), live; with `after` (a cursor), first everything since it.",
    resolve: (value: TrakUpdate) => value,
  })
  async trakUpdated(
    @Args('project', { type: () => String, nullable: true }) project: string | null | undefined,
    @Args('trak', { type: () => ID, nullable: true }) trak: string | null | undefined,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
    @Context() context: ApiContext,
  ): Promise<AsyncIterableIterator<TrakUpdate>> {
    if ((project == null) === (trak == null)) throw new ApiError('VALIDATION_FAILED', 'Give exactly one of `project` or `trak`', { field: project == null ? 'project' : 'trak' });
    if (trak != null) {
      await this.reads.visible(context, trak);
      return this.feed.stream((c) => c.detail.trakId === trak, toUpdate, after);
    }
    await context.access.require(project!, 'read', { kind: 'Project', id: project! });
    return this.feed.stream((c) => c.detail.projectId === project, toUpdate, after);
  }
}
