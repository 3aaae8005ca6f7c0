import { Schema } from 'mongoose';

const Mixed = Schema.Types.Mixed;

/**
 * A webhook subscription as stored: the rule's state (subscription.rules.ts) plus a revision that
 * guards every write. The worker writes it after each attempt, by `_id`; the status index serves
 * the worker's periodic "which are active" read (a bounded scan on FerretDB v1 anyway); the (app, _id)
 * one an owner's paged list.
 */
export const SubscriptionSchema: Schema = new Schema(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    app: { type: String, required: true },
    url: { type: String, required: true },
    filter: { type: Mixed, required: true },
    secrets: { type: Mixed, required: true },
    cursor: { type: Number, required: true },
    status: { type: String, required: true, index: true },
    paused: { type: Mixed },
    consecutiveFailures: { type: Number, required: true },
    failingSince: { type: String },
    nextAttemptAt: { type: String },
    log: { type: [Mixed], default: [] },
    createdAt: { type: String, required: true },
  },
  { versionKey: false, minimize: false, collection: 'webhook_subscriptions' },
);

SubscriptionSchema.index({ app: 1, _id: 1 });
