import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION } from '@openlgsp/persistence';
import type { EntryState } from './entry.model.js';
import { EntrySchema } from './entry.schema.js';

@Injectable()
export class EntriesRepository extends AggregateRepository<EntryState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super('entry', AggregateRepository.modelOf(connection, 'Entry', EntrySchema), relay, events);
  }

  get collection() {
    return this.model;
  }
}
