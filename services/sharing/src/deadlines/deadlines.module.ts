import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module.js';
import { PlannedSuspensionsModule } from '../planned-suspensions/planned-suspensions.module.js';
import { RequestsModule } from '../requests/requests.module.js';
import { UsageDemandsModule } from '../usage-reports/usage-demands.module.js';
import { DeadlinesScheduler } from './deadlines.scheduler.js';

@Module({
  imports: [RequestsModule, GrantsModule, PlannedSuspensionsModule, UsageDemandsModule],
  providers: [DeadlinesScheduler],
})
export class DeadlinesModule {}
