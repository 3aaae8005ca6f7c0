import { Inject, Injectable } from '@nestjs/common';
import { Schema, type Connection, type Model } from 'mongoose';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { mayClaim, type Lease } from './lease.rules.js';

/** Where delivery leases live, one per subscription `_id`; `claim` also renews (lease.rules.ts). */
export interface LeaseStore {
  /** Takes or renews the lease until `until` if `mayClaim` allows it at `now`; false when another holds it. */
  claim(subscriptionId: string, holder: string, now: number, until: number): Promise<boolean>;
  /** The leases as stored now, by subscription id: a refresh tries to claim only the free or expired ones. */
  current(): Promise<Map<string, Lease>>;
  /** Gives it up, if still this holder's, so another worker need not wait for the expiry. */
  release(subscriptionId: string, holder: string): Promise<void>;
}

/** Leases in memory: one worker process alone (tests, and the API's inline worker without MongoDB). */
export class InMemoryLeases implements LeaseStore {
  private readonly byId = new Map<string, Lease>();
  async claim(id: string, holder: string, now: number, until: number): Promise<boolean> {
    if (!mayClaim(this.byId.get(id), holder, now)) return false;
    this.byId.set(id, { holder, until });
    return true;
  }
  async current(): Promise<Map<string, Lease>> {
    return new Map(this.byId);
  }
  async release(id: string, holder: string): Promise<void> {
    if (this.byId.get(id)?.holder === holder) this.byId.delete(id);
  }
}

type LeaseDoc = Lease & { _id: string };

/** At most one per active subscription, and the worker reads at most 10 000 of those. */
const MAX_LEASES = 10_000;

const LeaseSchema = new Schema<LeaseDoc>(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    until: { type: Number, required: true },
  },
  { versionKey: false, collection: 'webhook_leases' },
);

/**
 * The leases in the service's MongoDB, apart from the subscriptions: a renewal every few seconds
 * then never races the revision-guarded writes of a subscription's cursor. Every write is one
 * document by `_id` with the claim condition in its filter, so of two claimants one wins.
 */
@Injectable()
export class LeasesRepository implements LeaseStore {
  private readonly model: Model<LeaseDoc>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.model =
      (connection.models.WebhookLease as Model<LeaseDoc> | undefined) ??
      connection.model<LeaseDoc>('WebhookLease', LeaseSchema);
  }

  async claim(id: string, holder: string, now: number, until: number): Promise<boolean> {
    // mayClaim as a filter: expired, or already this holder's (a renewal).
    const taken = await this.model.updateOne(
      { _id: id, $or: [{ until: { $lte: now } }, { holder }] } as never,
      { $set: { holder, until } },
    );
    if (taken.matchedCount === 1) return true;
    try {
      // No lease yet (or one held by another: then the insert finds its `_id` taken).
      await this.model.create({ _id: id, holder, until });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async current(): Promise<Map<string, Lease>> {
    const docs = await this.model.find().limit(MAX_LEASES).lean<LeaseDoc[]>();
    return new Map(docs.map(({ _id, holder, until }) => [_id, { holder, until }]));
  }

  async release(id: string, holder: string): Promise<void> {
    await this.model.deleteOne({ _id: id, holder } as never);
  }
}
