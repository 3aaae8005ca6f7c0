import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import type { AgencyState } from './agency.model.js';
import { AgencySchema } from './agency.schema.js';

@Injectable()
export class AgenciesRepository extends AggregateRepository<AgencyState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super('agency', AggregateRepository.modelOf(connection, 'Agency', AgencySchema), relay, events);
  }

  async all(limit = 2_000): Promise<AgencyState[]> {
    return (await this.model.find({}, { outbox: 0 }).sort({ _id: 1 }).limit(limit).lean()) as AgencyState[];
  }
}
