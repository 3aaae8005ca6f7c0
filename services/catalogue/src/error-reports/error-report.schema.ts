import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const ErrorReportSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    entryId: { type: String, required: true, index: true },
    ownerAgency: { type: String, required: true, index: true },
    reporterAgency: { type: String, required: true, index: true },
    reportedBy: { type: String, required: true },
    field: { type: String },
    description: { type: String, required: true },
    recordRef: { type: String },
    status: { type: String, required: true },
    acknowledgement: { type: Schema.Types.Mixed, default: null },
    correction: { type: Schema.Types.Mixed, default: null },
    openedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'error_reports' },
);
