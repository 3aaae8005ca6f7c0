import { Module } from '@nestjs/common';
import { intakeConsumer } from '@openlgsp/events';
import { intakeModuleFor, PlatformModule } from '@openlgsp/http';
import { AnnualReportsModule } from './annual-reports/annual-reports.module.js';
import { AssessmentsModule } from './assessments/assessments.module.js';
import { IncidentsConfigModule } from './config.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { alertOrderKey } from './incidents/alert-order.rules.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { RegistrationsModule } from './registrations/registrations.module.js';
import { WarningsModule } from './warnings/warnings.module.js';

/** Incident response, warnings, the clocks of Thông tư 20/2017, network registrations and assessments (DOMAIN.md §5). */
@Module({
  imports: [
    PlatformModule.forService('incidents', {
      consumers: [intakeConsumer('incidents', { orderBy: alertOrderKey })],
    }),
    IncidentsConfigModule,
    IncidentsModule,
    WarningsModule,
    AssessmentsModule,
    RegistrationsModule,
    AnnualReportsModule,
    DeadlinesModule,
    intakeModuleFor('incidents', "raise a monitoring system's alert"),
  ],
})
export class AppModule {}
