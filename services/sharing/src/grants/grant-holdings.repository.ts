import { Inject, Injectable } from '@nestjs/common';
import { Schema, type Connection, type Model } from 'mongoose';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { grantSummary, type GrantSummary } from './access-view.js';
import type { GrantState } from './grant.model.js';

export type { GrantSummary } from './access-view.js';

/** Every grant one holder has on one entry, in one document keyed by the pair. */
interface HoldingsDoc {
  _id: string;
  holderAgency: string;
  entryId: string;
  grants: Record<string, GrantSummary>;
}

const HoldingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    holderAgency: { type: String, required: true },
    entryId: { type: String, required: true },
    grants: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false, collection: 'grant_holdings' },
);

const keyOf = (holderAgency: string, entryId: string) => `${holderAgency}|${entryId}`;

/**
 * The access check's read model: it answers from one document fetched by `_id` (the only lookup
 * FerretDB v1 pushes down to its store; any other filter reads the whole collection). Each grant write
 * records its grant here before the grant's events are published, and every grant event records it
 * again (so a crash between the two writes is repaired when the event arrives). A summary never
 * replaces a newer revision of itself.
 */
@Injectable()
export class GrantHoldingsRepository {
  private readonly model: Model<HoldingsDoc>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.model = (connection.models.GrantHoldings ??
      connection.model('GrantHoldings', HoldingsSchema)) as Model<HoldingsDoc>;
  }

  async of(holderAgency: string, entryId: string): Promise<GrantSummary[]> {
    const doc = (await this.model.findById(keyOf(holderAgency, entryId)).lean()) as HoldingsDoc | null;
    return doc ? Object.values(doc.grants) : [];
  }

  /** Every summary, for the access view's load at start (the one time it reads them all). */
  async *all(): AsyncGenerator<GrantSummary> {
    for await (const doc of this.model.find().lean().cursor())
      yield* Object.values((doc as HoldingsDoc).grants);
  }

  async record(grant: GrantState): Promise<void> {
    const summary = grantSummary(grant);
    // `$max` keeps the greater of the stored summary and this one. Documents compare field by field in
    // order: `_id` is the same, so the higher `revision` wins, and a late, older summary never replaces
    // a newer one. That guard lives in the update, so the filter is the `_id` alone: no collection scan
    // on FerretDB v1, for every grant write and every grant event.
    const write = () =>
      this.model.updateOne(
        { _id: keyOf(grant.holderAgency, grant.entryId) },
        {
          $set: { holderAgency: grant.holderAgency, entryId: grant.entryId },
          $max: { [`grants.${grant._id}`]: summary },
        },
        { upsert: true },
      );
    try {
      await write();
    } catch (err) {
      // Two first writes of one holder's holdings raced to insert the document; it exists now.
      if ((err as { code?: number }).code !== 11000) throw err;
      await write();
    }
  }
}
