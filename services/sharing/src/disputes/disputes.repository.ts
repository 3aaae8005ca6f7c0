import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import type { DisputeState } from './dispute.model.js';
import { DisputeSchema } from './dispute.schema.js';

@Injectable()
export class DisputesRepository extends AggregateRepository<DisputeState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super('dispute', AggregateRepository.modelOf(connection, 'Dispute', DisputeSchema), relay, events);
  }
}
