import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

export const PlannedSuspensionSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    serviceId: { type: String, required: true, index: true },
    entryId: { type: String, required: true },
    ownerAgency: { type: String, required: true, index: true },
    reason: { type: String, required: true },
    startsAt: { type: Date, required: true },
    expectedRestorationAt: { type: Date, required: true },
    status: { type: String, required: true, index: true },
    announcedBy: { type: String, required: true },
    announcedAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    grantsSuspended: { type: Boolean, required: true },
    grantsResumed: { type: Boolean, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'planned_suspensions' },
);
