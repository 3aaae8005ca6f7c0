import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { findPage, MONGO_CONNECTION, type Page } from '@openlgsp/persistence';
import type { WebhookSubscription } from './subscription.rules.js';
import { SubscriptionSchema } from './subscription.schema.js';
import type { SubscriptionStore } from './worker.js';

type SubscriptionDoc = Omit<WebhookSubscription, 'id'> & { _id: string; revision: number };

/** Subscriptions the worker's periodic read takes at most: far above what one province registers. */
const MAX_ACTIVE = 10_000;

/**
 * The webhook subscriptions in the service's MongoDB. Every write is one document, by `_id`, guarded
 * by the revision the writer read: the worker's write after an attempt and an owner's resume or
 * rotation never overwrite each other; the loser reloads. The revision a subscription was read at is
 * kept beside the object (a WeakMap), so the pure rules never see storage fields.
 */
@Injectable()
export class SubscriptionsRepository implements SubscriptionStore {
  private readonly model: Model<SubscriptionDoc>;
  private readonly revisions = new WeakMap<WebhookSubscription, number>();

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.model =
      (connection.models.WebhookSubscription as Model<SubscriptionDoc> | undefined) ??
      connection.model<SubscriptionDoc>('WebhookSubscription', SubscriptionSchema);
  }

  async insert(sub: WebhookSubscription): Promise<WebhookSubscription> {
    await this.model.create(this.toDoc(sub, 1));
    this.revisions.set(sub, 1);
    return sub;
  }

  async get(id: string): Promise<WebhookSubscription | undefined> {
    const doc = await this.model.findById(id).lean<SubscriptionDoc>();
    return doc ? this.fromDoc(doc) : undefined;
  }

  /** One page of an app's own subscriptions, in `_id` order after `cursor` (keyset paging). */
  async ownedBy(app: string, page: { limit: number; cursor?: string }): Promise<Page<WebhookSubscription>> {
    const found = await findPage(this.model, { app }, page);
    return { ...found, items: found.items.map((d) => this.fromDoc(d)) };
  }

  async active(): Promise<WebhookSubscription[]> {
    const docs = await this.model.find({ status: 'active' }).limit(MAX_ACTIVE).lean<SubscriptionDoc[]>();
    return docs.map((d) => this.fromDoc(d));
  }

  async save(next: WebhookSubscription, expected: WebhookSubscription): Promise<boolean> {
    const revision = this.revisions.get(expected);
    if (revision === undefined || next.id !== expected.id) return false;
    // A whole-document replace: fields the rule dropped (a lifted pause, a cleared backoff) go too.
    const result = await this.model.replaceOne(
      { _id: next.id, revision } as never,
      this.toDoc(next, revision + 1) as never,
    );
    if (result.matchedCount !== 1) return false;
    this.revisions.set(next, revision + 1);
    return true;
  }

  /** Removes it whatever its revision; the worker's next write then finds nothing and its loop ends. */
  async remove(id: string): Promise<boolean> {
    return (await this.model.deleteOne({ _id: id } as never)).deletedCount === 1;
  }

  private toDoc(sub: WebhookSubscription, revision: number): SubscriptionDoc {
    const { id, ...rest } = sub;
    return { _id: id, revision, ...rest };
  }

  private fromDoc(doc: SubscriptionDoc): WebhookSubscription {
    const { _id, revision, ...rest } = doc;
    const sub: WebhookSubscription = { id: _id, ...rest };
    for (const key of ['paused', 'failingSince', 'nextAttemptAt'] as const)
      if (sub[key] === null || sub[key] === undefined) delete sub[key];
    this.revisions.set(sub, revision);
    return sub;
  }
}
