import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const DisputeSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    requestId: { type: String, required: true },
    entryId: { type: String, required: true },
    ownerAgency: { type: String, required: true, index: true },
    requesterAgency: { type: String, required: true, index: true },
    ground: { type: String, required: true },
    statement: { type: String, required: true },
    status: { type: String, required: true, index: true },
    requested: { type: Mixed, required: true },
    openedBy: { type: String, required: true },
    openedAt: { type: Date, required: true },
    decision: { type: Mixed, default: null },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'disputes' },
);
