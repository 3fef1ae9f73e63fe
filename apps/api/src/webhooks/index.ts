import { RotateWebhookSecretResolver } from './rotate-webhook-secret/rotate-webhook-secret.resolver.js';
import { WebhookDeliveriesResolver } from './webhook-deliveries/webhook-deliveries.resolver.js';
import { WebhooksService } from './webhooks.service.js';

/** Webhooks: the project's deliveries and its signing secret in the schema; the notifier and delivery worker beside them. */
export const WEBHOOK_RESOLVERS = [WebhookDeliveriesResolver, RotateWebhookSecretResolver];
export const WEBHOOK_SERVICES = [WebhooksService];
