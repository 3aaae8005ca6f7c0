import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module.js';
import { UsageDemandsController } from './usage-demands.controller.js';
import { UsageDemandsHandlers } from './usage-demands.handlers.js';
import { UsageDemandsRepository } from './usage-demands.repository.js';
import { UsageDemandsService } from './usage-demands.service.js';

@Module({
  imports: [GrantsModule],
  controllers: [UsageDemandsController, UsageDemandsHandlers],
  providers: [UsageDemandsRepository, UsageDemandsService],
  exports: [UsageDemandsService],
})
export class UsageDemandsModule {}
