import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

/** `_id` is the signed sequence number, zero-padded so that ids sort like numbers. */
export const CheckpointSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    signedAt: { type: String, required: true },
    keyId: { type: String, required: true },
    algorithm: { type: String, required: true },
    signature: { type: String, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'checkpoints' },
);

export const checkpointId = (seq: number) => String(seq).padStart(15, '0');
