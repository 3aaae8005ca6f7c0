import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { objectStoreFromEnv, type ObjectStore } from '@openlgsp/storage';
import { outboundOptionsFromEnv } from '@openlgsp/net';
import { OBJECT_STORE, OPENDATA_CONFIG, OUTBOUND, opendataConfigFromEnv } from './config.js';

class ObjectStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}
  onApplicationShutdown(): void {
    this.store.close();
  }
}

/** Read once at start: a bad setting stops the service with the variable's name. */
@Global()
@Module({
  providers: [
    { provide: OPENDATA_CONFIG, useFactory: () => opendataConfigFromEnv() },
    { provide: OBJECT_STORE, useFactory: () => objectStoreFromEnv() },
    { provide: OUTBOUND, useFactory: () => outboundOptionsFromEnv() },
    ObjectStoreCloser,
  ],
  exports: [OPENDATA_CONFIG, OBJECT_STORE, OUTBOUND],
})
export class OpendataConfigModule {}
