import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { objectStoreFromEnv, type ObjectStore } from '@openlgsp/storage';
import { PublicCatalogueModule } from '../public-catalogue/public-catalogue.module.js';
import { DownloadsController } from './downloads.controller.js';
import { OPENDATA_OBJECT_STORE } from './downloads.tokens.js';

@Module({
  imports: [PublicCatalogueModule],
  providers: [{ provide: OPENDATA_OBJECT_STORE, useFactory: () => objectStoreFromEnv() }],
  controllers: [DownloadsController],
})
export class DownloadsModule implements OnApplicationShutdown {
  constructor(@Inject(OPENDATA_OBJECT_STORE) private readonly store: ObjectStore) {}

  onApplicationShutdown(): void {
    this.store.close();
  }
}
