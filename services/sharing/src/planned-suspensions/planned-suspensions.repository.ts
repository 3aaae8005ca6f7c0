import { Injectable } from '@nestjs/common';
import { Schema, type Model } from 'mongoose';
import { DeadlineRepositoryOf, IdLists, type DueKind } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { PlannedSuspensionState } from './planned-suspension.model.js';
import { PlannedSuspensionSchema } from './planned-suspension.schema.js';

const ServiceUnderSuspensionSchema = new Schema(
  { _id: { type: String, required: true }, suspensionId: { type: String, required: true } },
  { versionKey: false, collection: 'services_under_suspension' },
);

const IN_EFFECT = 'in-effect';

/**
 * A plan takes effect at its start and ends at its expected restoration; once in effect (or
 * restored) its service's grants are suspended (resumed) by a separate, repeatable step.
 */
const DEADLINES: DueKind<PlannedSuspensionState>[] = [
  { name: 'start', at: (s) => s.startsAt, pending: (s) => s.status === 'announced' },
  { name: 'restoration', at: (s) => s.expectedRestorationAt, pending: (s) => s.status === 'in-effect' },
  {
    name: 'suspend-grants',
    at: (s) => s.startsAt,
    pending: (s) => s.status === 'in-effect' && s.grantsSuspended === false,
  },
  {
    name: 'resume-grants',
    at: (s) => s.endedAt ?? s.expectedRestorationAt,
    pending: (s) => s.status === 'restored' && s.grantsResumed === false,
  },
];

@Injectable()
export class PlannedSuspensionsRepository extends DeadlineRepositoryOf<PlannedSuspensionState>(
  'planned suspension',
  'PlannedSuspension',
  PlannedSuspensionSchema,
  {
    dueCollection: 'planned_suspensions_due',
    kinds: DEADLINES,
    // Plans not yet done with.
    unfinished: { status: { $in: ['announced', 'in-effect', 'restored'] } },
  },
) {
  private readonly flags = (this.model.db.models.ServiceUnderSuspension ??
    this.model.db.model('ServiceUnderSuspension', ServiceUnderSuspensionSchema)) as Model<{
    _id: string;
    suspensionId: string;
  }>;
  /**
   * Every flagged service in one list read by `_id`: the access view re-reads it every few seconds,
   * and `find({})` would read the whole collection each time on FerretDB v1 (issue 12).
   */
  private readonly inEffect = new IdLists(this.model.db, 'services_under_suspension_list', () =>
    this.flagged(),
  );

  startsDue(now: Date) {
    return this.deadlines.due('start', now, DUE_BATCH);
  }

  restorationsDue(now: Date) {
    return this.deadlines.due('restoration', now, DUE_BATCH);
  }

  /** In effect, but the service's grants not yet all suspended (a crash may have cut the work short). */
  grantsToSuspend(now: Date) {
    return this.deadlines.due('suspend-grants', now, DUE_BATCH);
  }

  grantsToResume(now: Date) {
    return this.deadlines.due('resume-grants', now, DUE_BATCH);
  }

  /**
   * Whether a planned suspension is in effect for a service: one document per service, read by `_id`
   * (the check's path), set and cleared in the same repeatable steps that suspend and resume grants.
   */
  async inEffectFor(serviceId: string): Promise<boolean> {
    return (await this.flags.exists({ _id: serviceId })) !== null;
  }

  /** Every service under a planned suspension now. */
  servicesInEffect(): Promise<string[]> {
    return this.inEffect.ids(IN_EFFECT);
  }

  /** Flags or clears a service: its document, and the list (in the order that never leaves it short). */
  async flagService(serviceId: string, suspensionId: string | null): Promise<void> {
    if (suspensionId) {
      await this.inEffect.add([IN_EFFECT], serviceId);
      await this.flags.updateOne({ _id: serviceId }, { $set: { suspensionId } }, { upsert: true });
    } else {
      await this.flags.deleteOne({ _id: serviceId });
      await this.inEffect.remove([IN_EFFECT], serviceId);
    }
  }

  /** Services flagged before the list existed (read once per database). */
  private async *flagged(): AsyncGenerator<[string, string]> {
    for await (const f of this.flags.find({}, { _id: 1 }).lean().cursor()) yield [IN_EFFECT, String(f._id)];
  }

  async markDone(id: string, flag: 'grantsSuspended' | 'grantsResumed'): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { [flag]: true } });
  }
}
