import { Schema } from 'mongoose';

export const CatalogueEntryViewSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    name: { type: String, required: true },
    ownerAgency: { type: String, required: true, index: true },
    sharingMode: { type: String, required: true },
    open: { type: Boolean, required: true },
    fields: { type: [String], default: [] },
    personalFields: { type: [String], default: [] },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'catalogue_entries' },
);

export const CatalogueServiceViewSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true, index: true },
    providerAgency: { type: String, required: true },
    name: { type: String, required: true },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'catalogue_services' },
);
