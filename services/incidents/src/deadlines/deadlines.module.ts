import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { DeadlinesScheduler } from './deadlines.scheduler.js';

@Module({
  imports: [IncidentsModule],
  providers: [DeadlinesScheduler],
})
export class DeadlinesModule {}
