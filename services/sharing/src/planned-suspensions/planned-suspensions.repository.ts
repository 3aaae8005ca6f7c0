import { Inject, Injectable } from '@nestjs/common';
import { Schema, type Connection, type Model } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepositoryOf, IdLists, MONGO_CONNECTION } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { PlannedSuspensionState } from './planned-suspension.model.js';
import { PlannedSuspensionSchema } from './planned-suspension.schema.js';

const ServiceUnderSuspensionSchema = new Schema(
  { _id: { type: String, required: true }, suspensionId: { type: String, required: true } },
  { versionKey: false, collection: 'services_under_suspension' },
);

const IN_EFFECT = 'in-effect';

@Injectable()
export class PlannedSuspensionsRepository extends AggregateRepositoryOf<PlannedSuspensionState>(
  'planned suspension',
  'PlannedSuspension',
  PlannedSuspensionSchema,
) {
  private readonly flags: Model<{ _id: string; suspensionId: string }>;
  /**
   * Every flagged service in one list read by `_id`: the access view re-reads it every few seconds,
   * and `find({})` would read the whole collection each time on FerretDB v1 (issue 12).
   */
  private readonly inEffect: IdLists;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(connection, relay, events);
    this.flags = (connection.models.ServiceUnderSuspension ??
      connection.model('ServiceUnderSuspension', ServiceUnderSuspensionSchema)) as Model<{
      _id: string;
      suspensionId: string;
    }>;
    this.inEffect = new IdLists(connection, 'services_under_suspension_list', () => this.flagged());
  }

  private due(filter: Record<string, unknown>): Promise<PlannedSuspensionState[]> {
    return this.model.find(filter, { outbox: 0 }).limit(DUE_BATCH).lean() as Promise<
      PlannedSuspensionState[]
    >;
  }

  startsDue(now: Date) {
    return this.due({ status: 'announced', startsAt: { $lte: now } });
  }

  restorationsDue(now: Date) {
    return this.due({ status: 'in-effect', expectedRestorationAt: { $lte: now } });
  }

  /** In effect, but the service's grants not yet all suspended (a crash may have cut the work short). */
  grantsToSuspend() {
    return this.due({ status: 'in-effect', grantsSuspended: false });
  }

  grantsToResume() {
    return this.due({ status: 'restored', grantsResumed: false });
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
