import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const FeedbackSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    target: { type: Mixed, required: true },
    ownerAgency: { type: String, required: true },
    text: { type: String, required: true },
    // Never public: the owning agency and DIC only (feedback.rules agencyView).
    sender: { type: Mixed, default: {} },
    status: { type: String, required: true },
    answer: { type: Mixed, default: null },
    receivedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'feedback' },
);

/** The sharing services feedback may be about, from the catalogue's service events. */
export const FeedbackServiceSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    providerAgency: { type: String, required: true },
    status: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false, collection: 'feedback_services' },
);
