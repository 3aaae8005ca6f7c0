import { Module } from '@nestjs/common';
import { CatalogueViewModule } from '../catalogue-view/catalogue-view.module.js';
import { PlannedSuspensionsRepository } from '../planned-suspensions/planned-suspensions.repository.js';
import { AccessViewFollower } from './access-view.follower.js';
import { GrantsController } from './grants.controller.js';
import { GrantHoldingsHandlers } from './grant-holdings.handlers.js';
import { GrantHoldingsRepository } from './grant-holdings.repository.js';
import { GrantsHandlers } from './grants.handlers.js';
import { GrantsRepository } from './grants.repository.js';
import { GrantsService } from './grants.service.js';

@Module({
  imports: [CatalogueViewModule],
  controllers: [GrantsController, GrantsHandlers, GrantHoldingsHandlers],
  // The check reads whether a planned suspension is in effect; the repository is the only shared piece.
  providers: [
    GrantsRepository,
    GrantHoldingsRepository,
    GrantsService,
    PlannedSuspensionsRepository,
    AccessViewFollower,
  ],
  exports: [GrantsRepository, GrantsService, PlannedSuspensionsRepository],
})
export class GrantsModule {}
