import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import {
  type AcknowledgeDto,
  type CorrectionDto,
  ErrorReportQuery,
  type OpenErrorReportDto,
} from './error-reports.dto.js';
import { ErrorReportsService } from './error-reports.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('error-reports')
@Controller('error-reports')
export class ErrorReportsController {
  constructor(private readonly reports: ErrorReportsService) {}

  @Post()
  @Roles('consumer', 'provider', 'integrator')
  @ApiOperation({ summary: "Report an error in another agency's shared data (004 Điều 14.2.c)" })
  open(
    @CommandBody('catalogue.error-report.open') body: OpenErrorReportDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.reports.open(body, by);
  }

  @Post(':reportId/acknowledgement')
  @HttpCode(200)
  @Roles('provider', 'integrator')
  acknowledge(
    @Param('reportId', uuid) id: string,
    @CommandBody('catalogue.error-report.acknowledge') body: AcknowledgeDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.reports.acknowledge(id, body.note, by);
  }

  @Post(':reportId/correction')
  @HttpCode(200)
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: 'The owner notes the correction (000 Điều 5.6)' })
  correct(
    @Param('reportId', uuid) id: string,
    @CommandBody('catalogue.error-report.correct') body: CorrectionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.reports.correct(id, body.correction, by);
  }

  @Get()
  @Roles('consumer', 'provider', 'integrator', 'dic', 'auditor')
  list(@Query() q: ErrorReportQuery, @CurrentPrincipal() by: Principal) {
    return this.reports.list(by, { status: q.status, entryId: q.entryId }, q.limit, q.cursor);
  }

  @Get(':reportId')
  @Roles('consumer', 'provider', 'integrator', 'dic', 'auditor')
  get(@Param('reportId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.reports.get(id, by);
  }
}
