import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import { Project } from '../../projects/project.model.js';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { listDeliveries } from '../webhook-deliveries.js';
import { WebhookDelivery } from '../webhook.model.js';

const args = z.object({ first: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100') });

@Resolver(() => Project)
export class WebhookDeliveriesResolver {
  constructor(private readonly stores: ApiStores) {}

  @ResolveField(() => [WebhookDelivery], { description: "The project's latest webhook deliveries, newest first (project admins only: others get FORBIDDEN)." })
  async webhookDeliveries(
    @Parent() project: Project,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Context() context: ApiContext,
  ): Promise<WebhookDelivery[]> {
    const input = parseInput(args, { first: first ?? 20 }, 'args');
    await context.access.require(project.id, 'administer', { kind: 'Project', id: project.id });
    const deliveries = await listDeliveries(this.stores.pool, project.id, input.first);
    return deliveries.map((d) => ({
      id: d.deliveryId,
      kind: d.kind,
      trakId: d.trakId,
      eventId: d.eventId,
      url: d.url,
      payload: d.payload,
      status: d.status,
      attempts: d.attempts,
      createdAt: d.createdAt.toISOString(),
      ...(d.lastHttpStatus !== null && { lastHttpStatus: d.lastHttpStatus }),
      ...(d.lastError !== null && { lastError: d.lastError }),
      ...(d.nextAttemptAt !== null && { nextAttemptAt: d.nextAttemptAt.toISOString() }),
      ...(d.deliveredAt !== null && { deliveredAt: d.deliveredAt.toISOString() }),
    }));
  }
}
