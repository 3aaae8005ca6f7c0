import { Module } from '@nestjs/common';
import { LeasesRepository } from './lease.repository.js';
import { SubscriptionsController } from './subscriptions.controller.js';
import { SubscriptionsRepository } from './subscription.repository.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { InlineWebhookWorker } from './webhook-worker.service.js';
import { WEBHOOKS_CONFIG, webhooksConfigFromEnv } from './webhooks.config.js';

/** Webhook subscriptions to the change feed, and (WEBHOOK_WORKER=inline) their delivery worker. */
@Module({
  controllers: [SubscriptionsController],
  providers: [
    { provide: WEBHOOKS_CONFIG, useFactory: () => webhooksConfigFromEnv() },
    SubscriptionsRepository,
    LeasesRepository,
    SubscriptionsService,
    InlineWebhookWorker,
  ],
})
export class WebhooksModule {}
