import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { OPENDATA_CATALOGUE } from './catalogue-view/catalogue-feed.handlers.js';
import { CatalogueFeedModule } from './catalogue-view/catalogue-feed.module.js';
import { CkanModule } from './ckan/ckan.module.js';
import { OpendataConfigModule } from './config.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { DistributionsModule } from './distributions/distributions.module.js';
import { DownloadsModule } from './downloads/downloads.module.js';
import { FeedModule } from './feed/feed.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { OPENDATA_PUBLIC } from './public-catalogue/public-catalogue.handlers.js';
import { PublicCatalogueModule } from './public-catalogue/public-catalogue.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/**
 * Open-data publications (DOMAIN.md §3): authoring (drafts, review, versions, files, freshness); the
 * public read side (search, DCAT-AP, downloads, the CKAN API, feedback), a projection of the
 * service's own change feed; and that feed served to external apps (SSE, Atom, webhooks). The
 * catalogue's facts arrive on one consumer, `opendata-catalogue`: the feedback feature's registry
 * handlers run on it beside the catalogue view's (both idempotent).
 */
@Module({
  imports: [
    PlatformModule.forService('opendata', { consumers: [OPENDATA_CATALOGUE, OPENDATA_PUBLIC] }),
    OpendataConfigModule,
    CatalogueFeedModule,
    DatasetsModule,
    DistributionsModule,
    PublicCatalogueModule,
    CkanModule,
    DownloadsModule,
    FeedbackModule,
    FeedModule,
    WebhooksModule,
  ],
})
export class AppModule {}
