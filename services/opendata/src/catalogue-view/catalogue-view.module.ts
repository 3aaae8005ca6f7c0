import { Module } from '@nestjs/common';
import { CatalogueViewRepository } from './catalogue-view.repository.js';

@Module({ providers: [CatalogueViewRepository], exports: [CatalogueViewRepository] })
export class CatalogueViewModule {}
