import { Module } from '@nestjs/common';
import { CatalogueViewModule } from '../catalogue-view/catalogue-view.module.js';
import { RequestsController } from './requests.controller.js';
import { RequestsHandlers } from './requests.handlers.js';
import { RequestsRepository } from './requests.repository.js';
import { RequestsService } from './requests.service.js';

@Module({
  imports: [CatalogueViewModule],
  controllers: [RequestsController, RequestsHandlers],
  providers: [RequestsRepository, RequestsService],
  exports: [RequestsRepository, RequestsService],
})
export class RequestsModule {}
