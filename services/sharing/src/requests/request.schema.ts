import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const RequestSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    entryId: { type: String, required: true, index: true },
    serviceId: { type: String },
    ownerAgency: { type: String, required: true, index: true },
    requesterAgency: { type: String, required: true, index: true },
    requestedBy: { type: String, required: true },
    purpose: { type: String, required: true },
    fields: { type: [String], required: true },
    legalBasis: { type: Mixed, required: true },
    period: { type: Mixed, required: true },
    thirdParty: { type: Mixed },
    contact: { type: Mixed, required: true },
    dataSubject: { type: Mixed },
    mode: { type: String, required: true },
    status: { type: String, required: true, index: true },
    submittedAt: { type: Date, required: true },
    dueAt: { type: Date, default: null },
    reminderAt: { type: Date, default: null },
    remindedAt: { type: Date, default: null },
    escalatedAt: { type: Date, default: null },
    decision: { type: Mixed, default: null },
    withdrawal: { type: Mixed, default: null },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'requests' },
);
