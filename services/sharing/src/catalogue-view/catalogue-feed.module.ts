import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module.js';
import { CatalogueViewModule } from './catalogue-view.module.js';
import { CatalogueFeedHandlers } from './catalogue-feed.handlers.js';

/** The `sharing-catalogue` consumer's handlers: the view, and grants ended by catalogue changes. */
@Module({ imports: [CatalogueViewModule, GrantsModule], providers: [CatalogueFeedHandlers] })
export class CatalogueFeedModule {}
