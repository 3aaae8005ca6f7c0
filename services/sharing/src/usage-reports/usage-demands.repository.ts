import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { UsageDemandState } from './usage-demand.model.js';
import { UsageDemandSchema } from './usage-demand.schema.js';

@Injectable()
export class UsageDemandsRepository extends AggregateRepository<UsageDemandState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(
      'usage-report demand',
      AggregateRepository.modelOf(connection, 'UsageDemand', UsageDemandSchema),
      relay,
      events,
    );
  }

  async overdue(now: Date): Promise<UsageDemandState[]> {
    return (await this.model
      .find({ status: 'open', flaggedAt: null, dueAt: { $lte: now } }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as UsageDemandState[];
  }
}
