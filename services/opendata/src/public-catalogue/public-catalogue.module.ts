import { Module } from '@nestjs/common';
import { PublicCatalogueController } from './public-catalogue.controller.js';
import { PUBLIC_CATALOGUE_CONFIG, publicCatalogueConfigFromEnv } from './public-catalogue.config.js';
import { PublicCatalogueHandlers } from './public-catalogue.handlers.js';
import { PublicCatalogueProjection } from './public-catalogue.projection.js';
import { PublicCatalogueRepository } from './public-catalogue.repository.js';
import { PublicCatalogueService } from './public-catalogue.service.js';

/**
 * The public read side: the projection of the change feed (consumer OPENDATA_PUBLIC), the query
 * service the portal pages and the CKAN API use, and the public catalogue endpoints.
 */
@Module({
  providers: [
    { provide: PUBLIC_CATALOGUE_CONFIG, useFactory: () => publicCatalogueConfigFromEnv() },
    PublicCatalogueRepository,
    PublicCatalogueProjection,
    PublicCatalogueService,
  ],
  controllers: [PublicCatalogueHandlers, PublicCatalogueController],
  exports: [PublicCatalogueService, PUBLIC_CATALOGUE_CONFIG],
})
export class PublicCatalogueModule {}
