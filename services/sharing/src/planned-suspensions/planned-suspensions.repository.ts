import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { PlannedSuspensionState } from './planned-suspension.model.js';
import { PlannedSuspensionSchema } from './planned-suspension.schema.js';

@Injectable()
export class PlannedSuspensionsRepository extends AggregateRepository<PlannedSuspensionState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay) {
    super(
      'planned suspension',
      AggregateRepository.modelOf(connection, 'PlannedSuspension', PlannedSuspensionSchema),
      relay,
    );
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

  async inEffectFor(serviceId: string): Promise<boolean> {
    return (await this.model.countDocuments({ serviceId, status: 'in-effect' })) > 0;
  }

  async markDone(id: string, flag: 'grantsSuspended' | 'grantsResumed'): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { [flag]: true } });
  }
}
