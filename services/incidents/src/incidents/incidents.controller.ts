import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody } from '@openlgsp/http';
import {
  type AcknowledgeDto,
  type AssignDto,
  type EscalateDto,
  IncidentQuery,
  type ReportDto,
  type SubmitReportDto,
  type TakeCallDto,
  type TransitionDto,
} from './incidents.dto.js';
import { toReport } from './incident.report.js';
import { IncidentsService } from './incidents.service.js';

const uuid = new ParseUUIDPipe();
/** The agency's own officers and systems, and DIC responders, handle an incident. */
const HANDLERS = ['provider', 'consumer', 'integrator', 'dic'] as const;
const READERS = [...HANDLERS, 'auditor', 'police'] as const;

/** Incidents: reported by agencies (or by DIC's hotline for them), handled along NIST SP 800-61's phases. */
@ApiTags('incidents')
@Controller('incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles('provider', 'consumer', 'integrator')
  @ApiOperation({
    summary: "An agency's officer reports an incident of the agency (002 Điều 7.5)",
    description:
      'A duplicate (same source and sourceRef as an open incident, or the same fingerprint within the window) joins it: `joined` and `matchedBy` say so.',
  })
  report(@CommandBody('incidents.incident.report') body: ReportDto, @CurrentPrincipal() by: Principal) {
    return this.incidents.report(toReport(body, 'agency-officer', by.agency), by);
  }

  @Post('hotline')
  @Roles('dic')
  @ApiOperation({ summary: "DIC's hotline reports an incident on an agency's behalf (002 Điều 8.2)" })
  takeCall(
    @CommandBody('incidents.incident.take-call') body: TakeCallDto,
    @CurrentPrincipal() by: Principal,
  ) {
    const { agency, ...report } = body;
    return this.incidents.report(toReport(report, 'hotline', agency), by);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Incidents: an agency its own, DIC and auditors all, the police those marked for it',
    description: 'Observables follow their TLP marking; withheld ones are counted.',
  })
  list(@Query() q: IncidentQuery, @CurrentPrincipal() by: Principal) {
    const { limit, cursor, ...filters } = q;
    return this.incidents.list(by, filters, { limit, ...(cursor ? { cursor } : {}) });
  }

  @Get(':incidentId')
  @Roles(...READERS)
  get(@Param('incidentId', uuid) id: string, @CurrentPrincipal() by: Principal) {
    return this.incidents.get(id, by);
  }

  @Post(':incidentId/acknowledgement')
  @HttpCode(200)
  @Roles(...HANDLERS)
  @ApiOperation({ summary: 'Triage: category and severity may be revised' })
  acknowledge(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.acknowledge') body: AcknowledgeDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.acknowledge(id, body, by);
  }

  @Post(':incidentId/assignment')
  @HttpCode(200)
  @Roles(...HANDLERS)
  @ApiOperation({ summary: 'Assign to DIC, the agency IT unit or the telecom provider' })
  assign(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.assign') body: AssignDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.assign(id, body, by);
  }

  @Post(':incidentId/containment')
  @HttpCode(200)
  @Roles(...HANDLERS)
  contain(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'contain', body.note, by);
  }

  @Post(':incidentId/eradication')
  @HttpCode(200)
  @Roles(...HANDLERS)
  eradicate(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'eradicate', body.note, by);
  }

  @Post(':incidentId/recovery')
  @HttpCode(200)
  @Roles(...HANDLERS)
  recover(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'recover', body.note, by);
  }

  @Post(':incidentId/resolution')
  @HttpCode(200)
  @Roles(...HANDLERS)
  @ApiOperation({ summary: 'The response ends: the final report is due within 5 days (Thông tư 20/2017)' })
  resolve(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'resolve', body.note, by);
  }

  @Post(':incidentId/reports')
  @HttpCode(200)
  @Roles(...HANDLERS)
  @ApiOperation({ summary: 'Record the notification, the initial or the final report (Thông tư 20/2017)' })
  submitReport(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.submit-report') body: SubmitReportDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.submitReport(id, body, by);
  }

  @Post(':incidentId/closure')
  @HttpCode(200)
  @Roles(...HANDLERS)
  @ApiOperation({ summary: 'Close: only once the final report is in (Thông tư 20/2017)' })
  close(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'close', body.note, by);
  }

  @Post(':incidentId/reopening')
  @HttpCode(200)
  @Roles(...HANDLERS)
  reopen(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'reopen', body.note, by);
  }

  @Post(':incidentId/cert-escalation')
  @HttpCode(200)
  @Roles('dic')
  @ApiOperation({ summary: 'DIC escalates to the national CERT with its reference (002 Điều 8.8)' })
  escalate(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.escalate') body: EscalateDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.escalateToCert(id, body, by);
  }

  @Post(':incidentId/police-referral')
  @HttpCode(200)
  @Roles(...HANDLERS)
  @ApiOperation({ summary: 'Mark for the Provincial Police, who may then read it (002 Điều 7.8, 9.1)' })
  referToPolice(
    @Param('incidentId', uuid) id: string,
    @CommandBody('incidents.incident.transition') body: TransitionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.incidents.transition(id, 'refer-to-police', body.note, by);
  }
}
