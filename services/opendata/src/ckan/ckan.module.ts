import { Module } from '@nestjs/common';
import { PublicCatalogueModule } from '../public-catalogue/public-catalogue.module.js';
import { CkanController } from './ckan.controller.js';
import { CkanService } from './ckan.service.js';

/** The CKAN-compatible API over the public catalogue. */
@Module({ imports: [PublicCatalogueModule], providers: [CkanService], controllers: [CkanController] })
export class CkanModule {}
