import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import type { SharingServiceState } from './sharing-service.model.js';
import { SharingServiceSchema } from './sharing-service.schema.js';

@Injectable()
export class SharingServicesRepository extends AggregateRepository<SharingServiceState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(
      'sharing service',
      AggregateRepository.modelOf(connection, 'SharingService', SharingServiceSchema),
      relay,
      events,
    );
  }

  async ofEntry(entryId: string): Promise<SharingServiceState[]> {
    return (await this.model
      .find({ entryId }, { outbox: 0 })
      .sort({ _id: 1 })
      .limit(1_000)
      .lean()) as SharingServiceState[];
  }

  get collection() {
    return this.model;
  }
}
