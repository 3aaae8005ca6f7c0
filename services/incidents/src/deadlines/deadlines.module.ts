import { Module } from '@nestjs/common';
import { AnnualReportsModule } from '../annual-reports/annual-reports.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { DeadlinesScheduler } from './deadlines.scheduler.js';

@Module({
  imports: [IncidentsModule, AnnualReportsModule],
  providers: [DeadlinesScheduler],
})
export class DeadlinesModule {}
