import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { CkanModule } from '../src/ckan/ckan.module.js';
import { DownloadsModule } from '../src/downloads/downloads.module.js';
import { FeedbackModule } from '../src/feedback/feedback.module.js';
import { OPENDATA_FEEDBACK_SERVICES } from '../src/feedback/feedback.handlers.js';
import { OPENDATA_PUBLIC } from '../src/public-catalogue/public-catalogue.handlers.js';
import { PublicCatalogueModule } from '../src/public-catalogue/public-catalogue.module.js';

/**
 * The public read side alone, as its tests run it: the lead composes these modules (and consumers)
 * into the service's AppModule beside the authoring side.
 */
@Module({
  imports: [
    PlatformModule.forService('opendata', { consumers: [OPENDATA_PUBLIC, OPENDATA_FEEDBACK_SERVICES] }),
    PublicCatalogueModule,
    CkanModule,
    DownloadsModule,
    FeedbackModule,
  ],
})
export class PublicAppModule {}
