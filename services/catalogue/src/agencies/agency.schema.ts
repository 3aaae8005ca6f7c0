import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const AgencySchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    codeFolded: { type: String, required: true },
    revision: { type: Number, required: true },
    nationalId: { type: String },
    name: { type: String, required: true },
    level: { type: String, required: true },
    parentCode: { type: String },
    focalPoint: { type: Schema.Types.Mixed },
    registeredAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'agencies' },
);

AgencySchema.index({ codeFolded: 1 }, { unique: true, name: 'agency_code_folded' });
