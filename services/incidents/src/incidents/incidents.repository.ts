import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { AggregateRepository, DeadlineRepositoryOf, MONGO_CONNECTION } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { DedupKey } from './dedup.rules.js';
import type { IncidentState } from './incident.model.js';
import { DedupKeySchema, IncidentSchema } from './incident.schema.js';

/** An incident as stored: its state, and when its next clock step is due (for the deadline tick). */
export type StoredIncident = IncidentState & { nextStepAt?: Date | null };

@Injectable()
export class IncidentsRepository extends DeadlineRepositoryOf<StoredIncident>(
  'incident',
  'Incident',
  IncidentSchema,
  {
    dueCollection: 'incidents_due',
    kinds: [{ name: 'clock-step', at: (i) => i.nextStepAt, pending: (i) => !!i.nextStepAt }],
    unfinished: { nextStepAt: { $ne: null } },
  },
) {
  /** Incidents with a clock step due at `now`, the earliest first. */
  async stepsDue(now: Date): Promise<StoredIncident[]> {
    const due = await this.deadlines.due('clock-step', now, DUE_BATCH);
    return due.sort((a, b) => a.nextStepAt!.getTime() - b.nextStepAt!.getTime());
  }
}

/**
 * The dedup-key documents (dedup.rules.ts): found by `_id` only, claimed by an insert. A claim that
 * meets a key already there loses, unless the key no longer leads anywhere and is replaced by a
 * write guarded on what it said.
 */
@Injectable()
export class DedupKeysRepository {
  private readonly model: Model<DedupKey>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.model = AggregateRepository.modelOf<DedupKey>(connection, 'IncidentDedupKey', DedupKeySchema);
  }

  async find(id: string): Promise<DedupKey | null> {
    return (await this.model.findById(id).lean()) as DedupKey | null;
  }

  /** True when this claim inserted the key; false when another one holds it. */
  async claim(key: DedupKey): Promise<boolean> {
    try {
      await this.model.create(key);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  /** Takes over a stale key, if it still says what was read (a concurrent take-over wins alone). */
  async replace(existing: DedupKey, key: DedupKey): Promise<boolean> {
    const done = await this.model.updateOne(
      { _id: existing._id, incidentId: existing.incidentId, seenAt: existing.seenAt },
      { $set: { incidentId: key.incidentId, agency: key.agency, seenAt: key.seenAt } },
    );
    return done.modifiedCount === 1;
  }

  /** A join renews the keys of its incident (the window slides); a key another incident holds is left. */
  async renew(key: DedupKey): Promise<void> {
    const done = await this.model.updateOne(
      { _id: key._id, incidentId: key.incidentId },
      { $set: { seenAt: key.seenAt } },
    );
    if (done.matchedCount === 0) await this.claim(key);
  }

  /** Gives back a key claimed for an incident that lost its race and was never opened. */
  async release(id: string, incidentId: string): Promise<void> {
    await this.model.deleteOne({ _id: id, incidentId });
  }
}
