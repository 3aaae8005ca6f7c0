import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const RegistrationSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    agency: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    accessPoint: { type: Mixed, required: true },
    service: { type: String, required: true },
    systemId: { type: String },
    justification: { type: String, required: true },
    documentRef: { type: String, required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    status: { type: String, required: true, index: true },
    proposal: { type: Mixed, default: null },
    decision: { type: Mixed, default: null },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'registrations' },
);
