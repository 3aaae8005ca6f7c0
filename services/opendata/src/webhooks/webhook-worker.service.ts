import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { CLOCK, JETSTREAM, type Clock } from '@openlgsp/events';
import { createLogger } from '@openlgsp/telemetry';
import { LeasesRepository, type LeaseStore } from './lease.repository.js';
import { SubscriptionsRepository } from './subscription.repository.js';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './webhooks.config.js';
import { WebhookWorker, type SubscriptionStore } from './worker.js';

/**
 * The delivery worker built from the settings: the same in the API process and in worker.main. Any
 * number of them may run on one store: each subscription is delivered by its lease's holder.
 */
export function webhookWorker(
  js: JetStreamClient,
  store: SubscriptionStore,
  leases: LeaseStore,
  config: WebhooksConfig,
  clock?: Clock,
): WebhookWorker {
  const logger = createLogger('opendata-webhooks');
  return new WebhookWorker(js, store, {
    allow: config.allow,
    policy: config.policy,
    concurrency: config.concurrency,
    idleWaitMs: config.idleWaitMs,
    leases,
    lease: config.lease,
    ...(clock ? { clock } : {}),
    onError: (error, id) =>
      logger.error({ err: error, subscription: id }, 'webhook delivery loop failed, restarting'),
  });
}

/**
 * `WEBHOOK_WORKER=inline`: deliveries run inside the API process (npm start, tests). In production
 * it is `off` and `node dist/src/webhooks/worker.main.js` runs them apart, scaled on its own.
 */
@Injectable()
export class InlineWebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: WebhookWorker | undefined;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly leases: LeasesRepository,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.worker !== 'inline') return;
    this.worker = webhookWorker(this.js, this.subscriptions, this.leases, this.config, this.clock);
    this.worker.start();
  }

  /** A subscription was made or resumed: deliveries start now, not at the next periodic look. */
  wake(): void {
    this.worker?.wake();
  }

  /** Deliveries in flight finish and their outcome is saved before NATS and MongoDB close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }
}
