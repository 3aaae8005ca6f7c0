import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { OPENDATA_CATALOGUE } from './catalogue-view/catalogue-feed.handlers.js';
import { CatalogueFeedModule } from './catalogue-view/catalogue-feed.module.js';
import { CkanModule } from './ckan/ckan.module.js';
import { opendataConfigFromEnv } from './config.js';
import { OpendataConfigModule } from './config.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { DistributionsModule } from './distributions/distributions.module.js';
import { DownloadsModule } from './downloads/downloads.module.js';
import { FeedModule } from './feed/feed.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { PortalModule } from './portal/portal.module.js';
import { portalDcatLinks } from './portal/portal.links.js';
import { PublicPortalReadModel } from './portal/public-portal.read-model.js';
import { OPENDATA_PUBLIC } from './public-catalogue/public-catalogue.handlers.js';
import { publicCatalogueConfigFromEnv } from './public-catalogue/public-catalogue.config.js';
import { PublicCatalogueModule } from './public-catalogue/public-catalogue.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The portal's links on the read side's public URL, and the opendata licence list (both from env). */
function portalSettingsFromEnv() {
  return {
    links: portalDcatLinks(publicCatalogueConfigFromEnv().publicUrl),
    licences: opendataConfigFromEnv().licences,
  };
}

/**
 * Open-data publications (DOMAIN.md §3): authoring (drafts, review, versions, files, freshness); the
 * public read side (search, DCAT-AP, downloads, the CKAN API, feedback), a projection of the
 * service's own change feed; that feed served to external apps (SSE, Atom, webhooks); and the citizen portal's pages over the
 * public read side (PORTAL.md). The
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
    PortalModule.register({
      imports: [PublicCatalogueModule, FeedbackModule],
      readModel: { useClass: PublicPortalReadModel },
      settings: { useFactory: portalSettingsFromEnv },
    }),
  ],
})
export class AppModule {}
