import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const DatasetSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    entryId: { type: String, required: true },
    ownerAgency: { type: String, required: true },
    status: { type: String, required: true },
    draft: { type: Mixed, required: true },
    latestVersion: { type: Number, required: true },
    current: { type: Mixed, default: null },
    submittedAt: { type: Date, default: null },
    returned: { type: Mixed, default: null },
    retraction: { type: Mixed, default: null },
    nextUpdateDue: { type: String, default: null },
    firstPublishedAt: { type: Date, default: null },
    lastReviewedAt: { type: Date, default: null },
    accessChecks: { type: Mixed },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'datasets' },
);

/** Published versions, immutable: `_id` is `<datasetId>:<version>`, so every read is by `_id`. */
export const DatasetVersionSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    datasetId: { type: String, required: true },
    entryId: { type: String, required: true },
    ownerAgency: { type: String, required: true },
    version: { type: Number, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
    metadata: { type: Mixed, required: true },
    distributions: { type: Mixed, required: true },
    objectKeys: { type: Mixed, required: true },
  },
  { versionKey: false, minimize: false, collection: 'dataset_versions' },
);
