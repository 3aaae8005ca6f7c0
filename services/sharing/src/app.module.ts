import { Module } from '@nestjs/common';
import { intakeConsumer } from '@openlgsp/events';
import { intakeModuleFor, PlatformModule } from '@openlgsp/http';
import { SHARING_CATALOGUE } from './catalogue-view/catalogue-feed.handlers.js';
import { CatalogueFeedModule } from './catalogue-view/catalogue-feed.module.js';
import { SharingConfigModule } from './config.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DisputesModule } from './disputes/disputes.module.js';
import { SHARING_HOLDINGS } from './grants/grant-holdings.handlers.js';
import { SHARING_REACTIONS } from './grants/grants.handlers.js';
import { GrantsModule } from './grants/grants.module.js';
import { PlannedSuspensionsModule } from './planned-suspensions/planned-suspensions.module.js';
import { RequestsModule } from './requests/requests.module.js';
import { UsageDemandsModule } from './usage-reports/usage-demands.module.js';

/** Sharing requests, decisions, disputes and grants (DOMAIN.md §2). */
@Module({
  imports: [
    PlatformModule.forService('sharing', {
      consumers: [intakeConsumer('sharing'), SHARING_CATALOGUE, SHARING_REACTIONS, SHARING_HOLDINGS],
    }),
    SharingConfigModule,
    CatalogueFeedModule,
    GrantsModule,
    RequestsModule,
    DisputesModule,
    PlannedSuspensionsModule,
    UsageDemandsModule,
    DeadlinesModule,
    intakeModuleFor('sharing', 'file a request, answer a usage-report demand'),
  ],
})
export class AppModule {}
