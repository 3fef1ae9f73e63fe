import { Args, Context, Field, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import { ProjectReads } from '../../projects/project-reads.js';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiStores } from '../../shell/api-stores.js';
import { parseInput } from '../../shell/parse-input.js';
import { storeSecret } from '../webhook-deliveries.js';
import { newWebhookSecret } from '../webhook-signature.js';
import { WebhookSecret } from '../webhook.model.js';

@InputType()
export class RotateWebhookSecretInput {
  @Field(() => String) projectId!: string;
}

const rotateWebhookSecretInput = z.object({ projectId: z.string().trim().min(1, 'must not be blank') });

@Resolver()
export class RotateWebhookSecretResolver {
  constructor(
    private readonly reads: ProjectReads,
    private readonly stores: ApiStores,
  ) {}

  @Mutation(() => WebhookSecret, {
    description:
      "Gives a project a new webhook signing secret and answers with it, once (project admins). Deliveries posted from now on, retries included, are signed with it. The secret never enters the event log.",
  })
  async rotateWebhookSecret(@Args('input', { type: () => RotateWebhookSecretInput }) args: RotateWebhookSecretInput, @Context() context: ApiContext): Promise<WebhookSecret> {
    const input = parseInput(rotateWebhookSecretInput, args);
    await this.reads.visible(context, input.projectId, 'administer');
    const secret = newWebhookSecret();
    const createdAt = await storeSecret(this.stores.pool, input.projectId, secret);
    return { projectId: input.projectId, secret, createdAt: createdAt.toISOString() };
  }
}
