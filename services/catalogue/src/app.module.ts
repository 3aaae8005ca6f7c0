import { Module } from '@nestjs/common';
import { intakeConsumer } from '@openlgsp/events';
import { intakeModuleFor, PlatformModule } from '@openlgsp/http';
import { AgenciesModule } from './agencies/agencies.module.js';
import { EntriesModule } from './entries/entries.module.js';
import { ErrorReportsModule } from './error-reports/error-reports.module.js';
import { CATALOGUE_REACTIONS } from './sharing-services/sharing-services.handlers.js';
import { SharingServicesModule } from './sharing-services/sharing-services.module.js';

/** The catalogue of shared databases and the registry of sharing services (DOMAIN.md §1). */
@Module({
  imports: [
    PlatformModule.forService('catalogue', { consumers: [intakeConsumer('catalogue'), CATALOGUE_REACTIONS] }),
    AgenciesModule,
    EntriesModule,
    SharingServicesModule,
    ErrorReportsModule,
    intakeModuleFor('catalogue', 'a service changed, a data error reported'),
  ],
})
export class AppModule {}
