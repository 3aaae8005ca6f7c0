import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const GrantSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    origin: { type: String, required: true },
    requestId: { type: String, required: true },
    disputeId: { type: String },
    entryId: { type: String, required: true },
    serviceId: { type: String, index: true },
    ownerAgency: { type: String, required: true, index: true },
    holderAgency: { type: String, required: true },
    fields: { type: [String], required: true },
    validity: { type: Mixed, required: true },
    conditions: { type: [String], default: [] },
    status: { type: String, required: true, index: true },
    suspension: { type: Mixed, default: null },
    ended: { type: Mixed, default: null },
    issuedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'grants' },
);
GrantSchema.index({ entryId: 1, status: 1 });
