import { Schema } from 'mongoose';

export const CatalogueEntryViewSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    name: { type: String, default: '' },
    ownerAgency: { type: String, default: '' },
    open: { type: Boolean, required: true },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
    // The entry's datasets, so a withdrawal finds them by this document's `_id` (no scan on FerretDB v1).
    datasets: { type: [String], default: [] },
  },
  { versionKey: false, minimize: false, collection: 'catalogue_entries' },
);

export const CatalogueServiceViewSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    providerAgency: { type: String, required: true },
    name: { type: String, required: true },
    endpoint: { type: String, required: true },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'catalogue_services' },
);

export const AgencyViewSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    name: { type: String, required: true },
    nationalId: { type: String },
  },
  { versionKey: false, minimize: false, collection: 'catalogue_agencies' },
);
