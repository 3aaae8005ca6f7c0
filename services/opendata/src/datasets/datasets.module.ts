import { Module } from '@nestjs/common';
import { CatalogueViewModule } from '../catalogue-view/catalogue-view.module.js';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsRepository, DatasetVersionsRepository } from './datasets.repository.js';
import { DatasetsService } from './datasets.service.js';
import { FreshnessService } from './freshness.service.js';
import { ReviewsController } from './reviews.controller.js';

@Module({
  imports: [CatalogueViewModule],
  controllers: [DatasetsController, ReviewsController],
  providers: [DatasetsRepository, DatasetVersionsRepository, DatasetsService, FreshnessService],
  exports: [DatasetsService, DatasetsRepository, FreshnessService],
})
export class DatasetsModule {}
