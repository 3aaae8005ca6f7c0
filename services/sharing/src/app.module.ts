import { Module } from '@nestjs/common';
import { intakeModuleFor, PlatformModule } from '@openlgsp/http';
import { CatalogueFeedModule } from './catalogue-view/catalogue-feed.module.js';
import { SharingConfigModule } from './config.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DisputesModule } from './disputes/disputes.module.js';
import { GrantsModule } from './grants/grants.module.js';
import { PlannedSuspensionsModule } from './planned-suspensions/planned-suspensions.module.js';
import { RequestsModule } from './requests/requests.module.js';
import { UsageDemandsModule } from './usage-reports/usage-demands.module.js';

/** Sharing requests, decisions, disputes and grants (DOMAIN.md §2). */
@Module({
  imports: [
    PlatformModule.forService('sharing'),
    SharingConfigModule,
    CatalogueFeedModule,
    RequestsModule,
    DisputesModule,
    GrantsModule,
    PlannedSuspensionsModule,
    UsageDemandsModule,
    DeadlinesModule,
    intakeModuleFor('sharing', 'file a request, answer a usage-report demand'),
  ],
})
export class AppModule {}
