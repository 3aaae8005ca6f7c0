import { Schema } from 'mongoose';

/**
 * The outbox field every aggregate carries: the events its last changes caused, written in the same
 * single-document update as the state, removed once JetStream has them. `outboxAt` lets the sweeper
 * find documents with pending events through an index.
 */
export const outboxFields = {
  outbox: { type: [Schema.Types.Mixed], default: [] },
  outboxAt: { type: Date, default: null, index: true },
};
