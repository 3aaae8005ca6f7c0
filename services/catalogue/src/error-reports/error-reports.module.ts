import { Module } from '@nestjs/common';
import { EntriesModule } from '../entries/entries.module.js';
import { ErrorReportsController } from './error-reports.controller.js';
import { ErrorReportsHandlers } from './error-reports.handlers.js';
import { ErrorReportsRepository } from './error-reports.repository.js';
import { ErrorReportsService } from './error-reports.service.js';

@Module({
  imports: [EntriesModule],
  controllers: [ErrorReportsController, ErrorReportsHandlers],
  providers: [ErrorReportsRepository, ErrorReportsService],
})
export class ErrorReportsModule {}
