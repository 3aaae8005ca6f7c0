import { Module } from '@nestjs/common';
import { IncidentsController } from './incidents.controller.js';
import { IncidentsHandlers } from './incidents.handlers.js';
import { DedupKeysRepository, IncidentsRepository } from './incidents.repository.js';
import { IncidentsService } from './incidents.service.js';

@Module({
  controllers: [IncidentsController, IncidentsHandlers],
  providers: [IncidentsRepository, DedupKeysRepository, IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
