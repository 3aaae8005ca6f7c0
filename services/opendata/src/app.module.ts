import { Module } from '@nestjs/common';
import { PlatformModule } from '@openlgsp/http';
import { OPENDATA_CATALOGUE } from './catalogue-view/catalogue-feed.handlers.js';
import { CatalogueFeedModule } from './catalogue-view/catalogue-feed.module.js';
import { OpendataConfigModule } from './config.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { DistributionsModule } from './distributions/distributions.module.js';

/** Open-data publications: authoring (drafts, review, versions, files) and freshness (DOMAIN.md §3). */
@Module({
  imports: [
    PlatformModule.forService('opendata', { consumers: [OPENDATA_CATALOGUE] }),
    OpendataConfigModule,
    CatalogueFeedModule,
    DatasetsModule,
    DistributionsModule,
  ],
})
export class AppModule {}
