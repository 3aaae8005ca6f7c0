import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const AssessmentSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    agency: { type: String, required: true, index: true },
    systemId: { type: String, required: true, index: true },
    systemName: { type: String, required: true },
    purpose: { type: String, required: true },
    assessor: { type: String, required: true },
    assessedAt: { type: Date, required: true },
    findings: { type: Schema.Types.Mixed, required: true },
    confirmation: { type: Schema.Types.Mixed, default: null },
    recheckDueAt: { type: Date, default: null },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'assessments' },
);
