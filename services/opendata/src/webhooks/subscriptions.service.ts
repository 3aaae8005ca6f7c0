import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { SubscriptionCreateCommand } from '@openlgsp/contracts';
import { NotFoundError, unwrap, type Result } from '@openlgsp/domain';
import { CLOCK, JETSTREAM, type Clock } from '@openlgsp/events';
import { ConflictError, type Page } from '@openlgsp/persistence';
import { checkUrl, OutboundRequestError, SsrfRefusedError } from '@openlgsp/net';
import type { Principal } from '@openlgsp/auth';
import { orBadRequest } from '../feed/feed.service.js';
import { FEED_STREAM } from '../feed/feed.model.js';
import { parseFeedFilter } from '../feed/position.rules.js';
import { newSigningSecret } from './signing.js';
import {
  checkWebhookUrl,
  ownerView,
  pauseByOwner,
  resumeSubscription,
  rotateSubscriptionSecret,
  subscribeWebhook,
  type SubscriptionView,
  type WebhookSubscription,
} from './subscription.rules.js';
import { SubscriptionsRepository } from './subscription.repository.js';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './webhooks.config.js';
import { InlineWebhookWorker } from './webhook-worker.service.js';
import { fail } from '@openlgsp/domain';

/** A guarded write lost to the worker's (it saves after every attempt): reload and apply again. */
const WRITE_ATTEMPTS = 5;

/** The owner of a subscription: the API key id, or the token's subject. */
export function ownerOf(by: Principal): string {
  return `${by.via}:${by.sub}`;
}

/** Webhook subscriptions as their owning app manages them: subscribe, look, pause, resume, rotate, end. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly worker: InlineWebhookWorker,
  ) {}

  async subscribe(
    body: SubscriptionCreateCommand,
    by: Principal,
  ): Promise<SubscriptionView & { secret: string }> {
    const filter = orBadRequest(parseFeedFilter(body.filter ?? {}));
    const url = unwrap(checkWebhookUrl(body.url));
    unwrap(await this.reachable(url));
    const secret = newSigningSecret();
    const now = this.clock();
    const sub = unwrap(
      subscribeWebhook({
        id: randomUUID(),
        app: ownerOf(by),
        url,
        filter,
        secret,
        cursor: body.from ?? (await this.streamEnd()),
        now,
      }),
    );
    await this.subscriptions.insert(sub);
    this.worker.wake();
    return { ...ownerView(sub, now), secret };
  }

  /** The caller's own subscriptions, a page at a time; nobody else's are ever listed. */
  async list(by: Principal, page: { limit: number; cursor?: string }): Promise<Page<SubscriptionView>> {
    const found = await this.subscriptions.ownedBy(ownerOf(by), page);
    const now = this.clock();
    return { ...found, items: found.items.map((sub) => ownerView(sub, now)) };
  }

  async view(id: string, by: Principal): Promise<SubscriptionView> {
    return ownerView(await this.owned(id, by), this.clock());
  }

  async pause(id: string, by: Principal): Promise<SubscriptionView> {
    return ownerView(
      await this.change(id, by, (sub) => ({ ok: true, value: pauseByOwner(sub, this.clock()) })),
      this.clock(),
    );
  }

  async resume(id: string, from: number | undefined, by: Principal): Promise<SubscriptionView> {
    const sub = await this.change(id, by, (s) => resumeSubscription(s, from));
    this.worker.wake();
    return ownerView(sub, this.clock());
  }

  async rotateSecret(
    id: string,
    overlapSeconds: number | undefined,
    by: Principal,
  ): Promise<{ secret: string; previousSecretUntil?: string }> {
    const secret = newSigningSecret();
    const overlapMs = overlapSeconds === undefined ? this.config.defaultOverlapMs : overlapSeconds * 1_000;
    const now = this.clock();
    const sub = await this.change(id, by, (s) => rotateSubscriptionSecret(s, secret, now, overlapMs));
    const { previousSecretUntil } = ownerView(sub, now);
    return { secret, ...(previousSecretUntil ? { previousSecretUntil } : {}) };
  }

  async remove(id: string, by: Principal): Promise<void> {
    await this.owned(id, by);
    await this.subscriptions.remove(id);
  }

  /** Loads, applies the rule, writes guarded; retried when the worker wrote in between. */
  private async change(
    id: string,
    by: Principal,
    rule: (sub: WebhookSubscription) => Result<WebhookSubscription>,
  ): Promise<WebhookSubscription> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const sub = await this.owned(id, by);
      const next = unwrap(rule(sub));
      if (next === sub || (await this.subscriptions.save(next, sub))) return next;
    }
    throw new ConflictError(`webhook subscription ${id} keeps changing; try again`);
  }

  /** Someone else's subscription is as good as absent: its existence is not disclosed. */
  private async owned(id: string, by: Principal): Promise<WebhookSubscription> {
    const sub = await this.subscriptions.get(id);
    if (!sub || sub.app !== ownerOf(by)) throw new NotFoundError('webhook subscription', id);
    return sub;
  }

  /**
   * The SSRF guard at registration: every address the host resolves to must be public (or
   * allow-listed). Deliveries check again and follow no redirect, so a URL that later resolves or
   * redirects inward is never called either.
   */
  private async reachable(url: string): Promise<Result<string>> {
    try {
      await checkUrl(url, { allow: this.config.allow });
      return { ok: true, value: url };
    } catch (error) {
      if (error instanceof SsrfRefusedError)
        return fail('invalid', 'url-not-public', `the webhook URL is refused: ${error.reason}`, {
          path: '/url',
        });
      if (error instanceof OutboundRequestError)
        return fail(
          'invalid',
          'url-unreachable',
          `the webhook URL's host does not resolve: ${error.message}`,
          {
            path: '/url',
          },
        );
      throw error;
    }
  }

  private async streamEnd(): Promise<number> {
    const jsm = await this.js.jetstreamManager();
    return (await jsm.streams.info(FEED_STREAM)).state.last_seq;
  }
}
