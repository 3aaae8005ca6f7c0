import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

/** One document per catalogue entry: its state, its proposals' history and its pending events. */
export const EntrySchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    status: { type: String, required: true },
    content: { type: Schema.Types.Mixed, required: true },
    ownerAgency: { type: String, required: true, index: true },
    proposal: { type: Schema.Types.Mixed, default: null },
    decisions: { type: [Schema.Types.Mixed], default: [] },
    assessments: { type: [Schema.Types.Mixed], default: [] },
    lastAssessedAt: { type: Date, default: null },
    lastReviewedAt: { type: Date, default: null },
    listedAt: { type: Date, default: null },
    withdrawnAt: { type: Date, default: null },
    searchText: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'entries' },
);
EntrySchema.index({ status: 1, _id: 1 });
EntrySchema.index({ 'content.sector': 1 });
EntrySchema.index({ 'content.sharingMode': 1 });
