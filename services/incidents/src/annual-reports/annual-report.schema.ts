import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const AnnualReportSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    agency: { type: String, required: true, index: true },
    kind: { type: String, required: true },
    year: { type: Number, required: true, index: true },
    dueAt: { type: Date, required: true },
    remindAt: { type: Date, required: true },
    remindedAt: { type: Date, default: null },
    overdueAt: { type: Date, default: null },
    submission: { type: Schema.Types.Mixed, default: null },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'annual_reports' },
);
