import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody } from '@openlgsp/http';
import type { ConfirmAssessmentDto, RecordAssessmentDto } from './assessments.dto.js';
import { AssessmentsService } from './assessments.service.js';

const uuid = new ParseUUIDPipe();
const OWNERS = ['provider', 'consumer', 'integrator', 'dic'] as const;

@ApiTags('assessments')
@Controller('assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Post()
  @Roles(...OWNERS)
  @ApiOperation({
    summary: 'Record a security assessment of a system (001 Điều 7.2, 15.1)',
    description: "An agency's officer records its own systems'; DIC names the agency.",
  })
  record(
    @CommandBody('incidents.assessment.record') body: RecordAssessmentDto,
    @CurrentPrincipal() by: Principal,
  ) {
    const { agency, assessedAt, ...rest } = body;
    return this.assessments.record(
      { ...rest, agency: agency ?? by.agency, assessedAt: new Date(assessedAt) },
      by,
    );
  }

  @Get('overdue-rechecks')
  @Roles('dic', 'auditor')
  @ApiOperation({ summary: 'Systems overdue for their periodic re-check (001 Điều 7.2.b), for DIC' })
  overdue(@CurrentPrincipal() by: Principal) {
    return this.assessments.overdue(by);
  }

  @Get(':assessmentId')
  @Roles(...OWNERS, 'auditor', 'committee')
  get(@Param('assessmentId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.assessments.get(id, by);
  }

  @Post(':assessmentId/confirmation')
  @HttpCode(200)
  @Roles(...OWNERS)
  @ApiOperation({ summary: "Every finding fixed, the assessor's written confirmation: the system passed" })
  confirm(
    @Param('assessmentId', uuid) id: string,
    @CommandBody('incidents.assessment.confirm') body: ConfirmAssessmentDto,
    @CurrentPrincipal() by: Principal,
  ) {
    const { recheckDueAt, ...rest } = body;
    return this.assessments.confirm(
      id,
      { ...rest, ...(recheckDueAt ? { recheckDueAt: new Date(recheckDueAt) } : {}) },
      by,
    );
  }
}
