import { Module } from '@nestjs/common';
import { DatasetsModule } from '../datasets/datasets.module.js';
import { CatalogueFeedHandlers } from './catalogue-feed.handlers.js';
import { CatalogueViewModule } from './catalogue-view.module.js';

/** The view's handlers on the `opendata-catalogue` consumer. */
@Module({ imports: [CatalogueViewModule, DatasetsModule], controllers: [CatalogueFeedHandlers] })
export class CatalogueFeedModule {}
