import { Module } from '@nestjs/common';
import { CatalogueViewModule } from '../catalogue-view/catalogue-view.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { PlannedSuspensionsController } from './planned-suspensions.controller.js';
import { PlannedSuspensionsService } from './planned-suspensions.service.js';

@Module({
  imports: [CatalogueViewModule, GrantsModule],
  controllers: [PlannedSuspensionsController],
  providers: [PlannedSuspensionsService],
  exports: [PlannedSuspensionsService],
})
export class PlannedSuspensionsModule {}
