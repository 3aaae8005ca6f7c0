import { Module } from '@nestjs/common';
import { AnnualReportsController } from './annual-reports.controller.js';
import { AnnualReportsRepository } from './annual-reports.repository.js';
import { AnnualReportsService } from './annual-reports.service.js';

@Module({
  controllers: [AnnualReportsController],
  providers: [AnnualReportsRepository, AnnualReportsService],
  exports: [AnnualReportsService],
})
export class AnnualReportsModule {}
