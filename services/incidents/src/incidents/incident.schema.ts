import { Schema } from 'mongoose';
import { outboxFields } from '@openlgsp/persistence';

const Mixed = Schema.Types.Mixed;

export const IncidentSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    door: { type: String, required: true },
    agency: { type: String, required: true, index: true },
    source: { type: String },
    sourceRef: { type: String },
    contact: { type: Mixed, required: true },
    category: { type: String, required: true },
    severity: { type: String, required: true },
    affectedSystems: { type: Mixed, required: true },
    accessPoint: { type: Mixed },
    detectedAt: { type: Date, required: true },
    description: { type: String, required: true },
    observables: { type: Mixed, required: true },
    attachments: { type: Mixed, required: true },
    reportedBy: { type: String, required: true },
    takenBy: { type: String },
    fingerprint: { type: String, required: true },
    status: { type: String, required: true, index: true },
    reportedAt: { type: Date, required: true },
    lastReportedAt: { type: Date, required: true },
    reportCount: { type: Number, required: true },
    assignee: { type: Mixed, default: null },
    cert: { type: Mixed, default: null },
    referredToPolice: { type: Boolean, required: true },
    clocks: { type: Mixed, required: true },
    reports: { type: Mixed, required: true },
    history: { type: Mixed, required: true },
    // The earliest clock step to come (clock.rules.ts nextStepAt): what the deadline tick looks for.
    nextStepAt: { type: Date, default: null, index: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false, minimize: false, collection: 'incidents' },
);

/** Dedup keys (dedup.rules.ts): the `_id` is the key, so claiming one is an insert that only one report wins. */
export const DedupKeySchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    agency: { type: String, required: true },
    seenAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'incident_dedup_keys' },
);
