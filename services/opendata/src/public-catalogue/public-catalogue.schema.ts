import { Schema } from 'mongoose';

const Mixed = Schema.Types.Mixed;
const options = (collection: string) => ({ versionKey: false as const, minimize: false, collection });

export const PublicDatasetSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    latestVersion: { type: Number, required: true },
    current: { type: Mixed, default: null },
    issued: { type: Date, default: null },
    retraction: { type: Mixed, default: null },
    versions: { type: [Mixed], default: [] },
    updatedAt: { type: Date, required: true },
  },
  options('public_datasets'),
);

/** Every published version, immutable, under `<datasetId>:<version>`: read by `_id` alone. */
export const PublicVersionSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    datasetId: { type: String, required: true },
    entryId: { type: String, required: true },
    ownerAgency: { type: String, required: true },
    version: { type: Number, required: true },
    publishedAt: { type: Date, required: true },
    metadata: { type: Mixed, required: true },
    distributions: { type: [Mixed], required: true },
  },
  options('public_versions'),
);

export const SearchEntrySchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    text: { type: String, required: true },
    titleText: { type: String, required: true },
    title: { type: String, required: true },
    themes: { type: [String], default: [] },
    publisher: { type: String, required: true },
    formats: { type: [String], default: [] },
    licence: { type: String, required: true },
    keywords: { type: [String], default: [] },
    retracted: { type: Boolean, required: true },
    issued: { type: Date, required: true },
    modified: { type: Date, required: true },
    summary: { type: Mixed, required: true },
  },
  options('public_search'),
);

export const PublicActivitySchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    datasetId: { type: String, required: true },
    kind: { type: String, required: true },
    version: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  options('public_activities'),
);

export const PublicPublisherSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    nationalId: { type: String },
    since: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  options('public_publishers'),
);

/** One counter per read model, bumped on every write of it: readers keep a copy until it moves. */
export const GenerationSchema: Schema = new Schema(
  { _id: { type: String, required: true }, generation: { type: Number, required: true } },
  options('public_generations'),
);
