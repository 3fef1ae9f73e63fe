import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ProjectionRunner } from '@orkestra/event-store';
import { APP_LOGGER } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { API_CONFIG } from '../api.config.js';
import type { ApiConfig } from '../api.config.js';
import { ApiStores } from '../shell/api-stores.js';
import { WebhookNotifier } from './webhook-notifier.projection.js';
import { httpWebhookSender } from './webhook-sender.js';
import { newWebhookSecret } from './webhook-signature.js';
import { WebhookWorker } from './webhook-worker.js';

/**
 * Webhooks in this api instance: the notifier, which records deliveries from the log, and a
 * delivery worker. The notifier has a runner of its own, apart from the read models', so no
 * read-model rebuild can reset it. Both stop before the stores close (module destroy comes
 * before application shutdown).
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap, OnModuleDestroy {
  private notifier: ProjectionRunner | undefined;
  private worker: WebhookWorker | undefined;
  private readonly logger: AppLogger;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly stores: ApiStores,
    @Inject(APP_LOGGER) logger: AppLogger,
  ) {
    this.logger = logger.child({ context: 'webhooks' });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { pool } = this.stores;
    const timeoutMs = this.config.webhookTimeoutSeconds * 1000;
    const worker = new WebhookWorker({
      db: pool,
      send: httpWebhookSender(timeoutMs),
      backoffMs: this.config.webhookBackoffMs,
      maxAttempts: this.config.webhookMaxAttempts,
      leaseMs: timeoutMs + 30_000,
      newSecret: newWebhookSecret,
      onError: (error) => this.logger.warn({ error: String(error) }, 'a webhook delivery round failed; it will be retried'),
      onGaveUp: (delivery, outcome) =>
        this.logger.warn({ deliveryId: delivery.deliveryId, projectId: delivery.projectId, kind: delivery.kind, attempts: delivery.attempt, error: outcome.error }, 'a webhook delivery failed for good'),
    });
    this.notifier = new ProjectionRunner({
      pool,
      databaseUrl: this.config.databaseUrl!,
      projections: [new WebhookNotifier({ newSecret: newWebhookSecret, onEnqueued: () => worker.wake() })],
      onError: (error) => this.logger.warn({ error: String(error) }, 'a webhook notifier batch failed; it will be retried'),
    });
    this.worker = worker;
    await this.notifier.start();
    worker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.notifier?.stop();
    await this.worker?.stop();
  }
}
