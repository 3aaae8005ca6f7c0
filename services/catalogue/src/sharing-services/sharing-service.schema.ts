import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const SharingServiceSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    entryId: { type: String, required: true, index: true },
    providerAgency: { type: String, required: true, index: true },
    name: { type: String, required: true },
    protocol: { type: String, required: true },
    endpoint: { type: String, required: true },
    documentationUrl: { type: String },
    version: { type: String, required: true },
    status: { type: String, required: true, index: true },
    suspension: { type: Schema.Types.Mixed, default: null },
    retiredReason: { type: String, default: null },
    entryText: { type: String, default: '' },
    searchText: { type: String, default: '' },
    declaredAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'sharing_services' },
);
