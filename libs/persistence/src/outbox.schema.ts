import { Schema } from 'mongoose';

/**
 * The outbox field every aggregate carries: the events its last changes caused, written in the same
 * single-document update as the state, removed once JetStream has them. The sweeper finds what is
 * left by the events' own `time` (see `OUTBOX_INDEX`); there is no separate marker to keep in step.
 */
export const outboxFields = {
  outbox: { type: [Schema.Types.Mixed], default: [] },
};

/** Serves the sweeper's `{ 'outbox.time': { $lt } }` on MongoDB (a multikey index). */
export const OUTBOX_INDEX = { 'outbox.time': 1 } as const;
