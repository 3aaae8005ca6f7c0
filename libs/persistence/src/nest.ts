import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Connection, Schema } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, PROCESSED_EVENTS, type Clock } from '@openlgsp/events';
import { AggregateRepository, type AggregateDoc } from './aggregate.repository.js';
import { MONGO_CONNECTION, openConnection, type MongoOptions } from './connection.js';
import { DeadlineRepository, type Deadlines } from './deadline.repository.js';
import { MongoProcessedEvents } from './processed-events.js';

@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/** The service's own database, and the processed-event ids its consumers keep there. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: MongoOptions | (() => MongoOptions)): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: MONGO_CONNECTION,
          useFactory: () => openConnection(typeof options === 'function' ? options() : options),
        },
        {
          provide: PROCESSED_EVENTS,
          inject: [MONGO_CONNECTION],
          useFactory: (c: Connection) => new MongoProcessedEvents(c),
        },
        ConnectionCloser,
      ],
      exports: [MONGO_CONNECTION, PROCESSED_EVENTS],
    };
  }
}

/**
 * The base of a service's repository for one aggregate, wired for Nest: its documents live in the
 * service's database as `modelName`, its events leave through the service's relay, stamped by its
 * factory. `class EntriesRepository extends AggregateRepositoryOf<EntryState>('entry', 'Entry', EntrySchema)`.
 */
export function AggregateRepositoryOf<T extends AggregateDoc>(
  name: string,
  modelName: string,
  schema: Schema,
): new (connection: Connection, relay: OutboxRelay, events: EventFactory) => AggregateRepository<T> {
  @Injectable()
  class Repository extends AggregateRepository<T> {
    constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
      super(name, AggregateRepository.modelOf<T>(connection, modelName, schema), relay, events);
    }
  }
  return Repository;
}

/**
 * As `AggregateRepositoryOf`, for an aggregate with deadlines: its due lists are kept on the service's
 * clock. `class RequestsRepository extends DeadlineRepositoryOf<RequestState>('sharing request',
 * 'SharingRequest', RequestSchema, { dueCollection: 'sharing_requests_due', kinds, unfinished })`.
 */
export function DeadlineRepositoryOf<T extends AggregateDoc>(
  name: string,
  modelName: string,
  schema: Schema,
  deadlines: Deadlines<T>,
): new (
  connection: Connection,
  relay: OutboxRelay,
  events: EventFactory,
  clock: Clock,
) => DeadlineRepository<T> {
  @Injectable()
  class Repository extends DeadlineRepository<T> {
    constructor(
      @Inject(MONGO_CONNECTION) connection: Connection,
      relay: OutboxRelay,
      events: EventFactory,
      @Inject(CLOCK) clock: Clock,
    ) {
      const model = AggregateRepository.modelOf<T>(connection, modelName, schema);
      super(name, model, relay, events, clock, deadlines);
    }
  }
  return Repository;
}
