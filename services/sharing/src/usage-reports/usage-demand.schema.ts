import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const UsageDemandSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    grantId: { type: String, required: true, index: true },
    entryId: { type: String, required: true },
    ownerAgency: { type: String, required: true, index: true },
    holderAgency: { type: String, required: true, index: true },
    reason: { type: String, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, required: true, index: true },
    demandedBy: { type: String, required: true },
    demandedAt: { type: Date, required: true },
    report: { type: Schema.Types.Mixed, default: null },
    flaggedAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'usage_demands' },
);
