import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { GrantState } from './grant.model.js';
import { GrantSchema } from './grant.schema.js';

const LIVE = { $in: ['active', 'suspended'] as GrantState['status'][] };

@Injectable()
export class GrantsRepository extends AggregateRepositoryOf<GrantState>('grant', 'Grant', GrantSchema) {
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
