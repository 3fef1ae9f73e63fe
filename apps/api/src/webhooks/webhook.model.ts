import { Field, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from '../shell/json.scalar.js';

@ObjectType({ description: "One notice about a Trak for a project's webhook, and how posting it went." })
export class WebhookDelivery {
  @Field(() => String, { description: 'Sent as the `X-Orkestra-Delivery` header; the same on every attempt.' }) id!: string;
  @Field(() => String, { description: '`trak.needs_attention`, `trak.blocked`, `trak.failed`, `trak.done` or `trak.integrated` (the `X-Orkestra-Event` header).' })
  kind!: string;
  @Field(() => String) trakId!: string;
  @Field(() => String, { description: 'The event of the Trak that made the notice.' }) eventId!: string;
  @Field(() => String, { description: 'Where it is posted: the webhook URL the project had when the event happened.' }) url!: string;
  @Field(() => JsonScalar, { description: 'The JSON body posted.' }) payload!: Record<string, unknown>;
  @Field(() => String, { description: '`pending` (waiting for its next attempt), `delivered` (answered 2xx) or `failed` (every attempt failed).' })
  status!: string;
  @Field(() => Int, { description: 'Attempts made so far.' }) attempts!: number;
  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status at the last attempt, when it answered." }) lastHttpStatus?: number;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (HTTP status and the start of the answer, a network error, a timeout).' })
  lastError?: string;
  @Field(() => String, { nullable: true, description: 'When a pending delivery is attempted next.' }) nextAttemptAt?: string;
  @Field(() => String, { nullable: true }) deliveredAt?: string;
  @Field(() => String) createdAt!: string;
}

@ObjectType({ description: "A project's new webhook signing secret: store it now, it is never shown again." })
export class WebhookSecret {
  @Field(() => String) projectId!: string;
  @Field(() => String, { description: 'The HMAC-SHA256 key of the `X-Orkestra-Signature` header; the previous one stopped signing.' }) secret!: string;
  @Field(() => String) createdAt!: string;
}
