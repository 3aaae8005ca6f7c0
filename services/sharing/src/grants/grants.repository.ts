import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { GrantState } from './grant.model.js';
import { GrantSchema } from './grant.schema.js';

const LIVE = { $in: ['active', 'suspended'] as GrantState['status'][] };

@Injectable()
export class GrantsRepository extends AggregateRepository<GrantState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super('grant', AggregateRepository.modelOf(connection, 'Grant', GrantSchema), relay, events);
  }

  async liveOfEntry(entryId: string): Promise<GrantState[]> {
    return (await this.model
      .find({ entryId, status: LIVE }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as GrantState[];
  }

  async liveOfService(serviceId: string): Promise<GrantState[]> {
    return (await this.model
      .find({ serviceId, status: LIVE }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as GrantState[];
  }

  async activeOfService(serviceId: string): Promise<GrantState[]> {
    return (await this.model
      .find({ serviceId, status: 'active' }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as GrantState[];
  }

  async suspendedFor(suspensionId: string): Promise<GrantState[]> {
    return (await this.model
      .find({ status: 'suspended', 'suspension.suspensionId': suspensionId }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as GrantState[];
  }

  async expiriesDue(now: Date): Promise<GrantState[]> {
    return (await this.model
      .find({ status: LIVE, 'validity.until': { $lte: now } }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as GrantState[];
  }
}
