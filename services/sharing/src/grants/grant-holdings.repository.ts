import { Inject, Injectable } from '@nestjs/common';
import { Schema, type Connection, type Model } from 'mongoose';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type { GrantState } from './grant.model.js';

/** What the access check needs of one grant. */
export type GrantSummary = Pick<
  GrantState,
  '_id' | 'revision' | 'serviceId' | 'holderAgency' | 'entryId' | 'fields' | 'validity' | 'status'
>;

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
 * FerretDB v1 pushes down to its store; any other filter reads the whole collection). Grants are
 * written here after each grant write, and again from the grant events (a crash between the two
 * writes is repaired when the event arrives). A summary never replaces a newer revision of itself.
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

  async record(grant: GrantState): Promise<void> {
    const summary: GrantSummary = {
      _id: grant._id,
      revision: grant.revision,
      ...(grant.serviceId ? { serviceId: grant.serviceId } : {}),
      holderAgency: grant.holderAgency,
      entryId: grant.entryId,
      fields: grant.fields,
      validity: grant.validity,
      status: grant.status,
    };
    const path = `grants.${grant._id}`;
    try {
      await this.model.updateOne(
        {
          _id: keyOf(grant.holderAgency, grant.entryId),
          $or: [{ [path]: { $exists: false } }, { [`${path}.revision`]: { $lt: grant.revision } }],
        },
        { $set: { holderAgency: grant.holderAgency, entryId: grant.entryId, [path]: summary } },
        { upsert: true },
      );
    } catch (err) {
      // The document exists with this revision or a newer one: the upsert's insert collided. Nothing to do.
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}
