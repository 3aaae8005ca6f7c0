import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody } from '@openlgsp/http';
import {
  AnnualReportQuery,
  type ExpectAnnualReportsDto,
  type SubmitAnnualReportDto,
} from './annual-reports.dto.js';
import { AnnualReportsService } from './annual-reports.service.js';

const AGENCY = ['provider', 'consumer', 'integrator'] as const;

@ApiTags('annual-reports')
@Controller('annual-reports')
export class AnnualReportsController {
  constructor(private readonly reports: AnnualReportsService) {}

  @Post()
  @HttpCode(200)
  @Roles(...AGENCY)
  @ApiOperation({
    summary: 'Submit the yearly security (002 Điều 7.10) or network-use (001 Điều 14.4) report',
    description: 'A late report is taken and marked late.',
  })
  submit(
    @CommandBody('incidents.annual-report.submit') body: SubmitAnnualReportDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.reports.submit(body, by);
  }

  @Post('expectations')
  @HttpCode(200)
  @Roles('dic')
  @ApiOperation({
    summary: 'DIC names the agencies that owe both reports for a year (reminded, then listed when overdue)',
  })
  expect(
    @CommandBody('incidents.annual-report.expect') body: ExpectAnnualReportsDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.reports.expect(body.year, body.agencies, by);
  }

  @Get()
  @Roles(...AGENCY, 'dic', 'auditor')
  @ApiOperation({ summary: 'Annual reports: an agency its own, DIC all; `overdue=true` is the overdue list' })
  list(@Query() q: AnnualReportQuery, @CurrentPrincipal() by: Principal) {
    const { limit, cursor, ...filters } = q;
    return this.reports.list(by, filters, { limit, ...(cursor ? { cursor } : {}) });
  }
}
