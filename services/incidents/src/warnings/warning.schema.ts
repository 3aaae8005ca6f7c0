import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const WarningSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    title: { type: String, required: true },
    description: { type: String, required: true },
    category: { type: String },
    severity: { type: String, required: true },
    measures: { type: String, required: true },
    observables: { type: Schema.Types.Mixed, required: true },
    tlp: { type: String, required: true },
    validUntil: { type: Date, default: null },
    incidentId: { type: String },
    issuedBy: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'warnings' },
);
