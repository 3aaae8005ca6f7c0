import { Module } from '@nestjs/common';
import { CatalogueViewModule } from './catalogue-view.module.js';
import { CatalogueFeedHandlers } from './catalogue-feed.handlers.js';

/** The view's handlers on the `sharing-catalogue` consumer. */
@Module({ imports: [CatalogueViewModule], controllers: [CatalogueFeedHandlers] })
export class CatalogueFeedModule {}
