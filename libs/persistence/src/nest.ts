import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Connection } from 'mongoose';
import { PROCESSED_EVENTS } from '@openlgsp/events';
import { MONGO_CONNECTION, openConnection, type MongoOptions } from './connection.js';
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
