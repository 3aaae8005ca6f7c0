import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type {
  IncidentAcknowledgeCommand,
  IncidentAssignCommand,
  IncidentCategory,
  IncidentEscalateCommand,
  IncidentReportCommand,
  IncidentSeverity,
  IncidentSubmitReportCommand,
  IncidentTakeCallCommand,
  IncidentTransitionCommand,
} from '@openlgsp/contracts';
import { AgencyCode, OneOf, PageQuery } from '@openlgsp/http';
import type { IncidentStatus } from './incident.model.js';
import { INCIDENT_CATEGORIES } from './taxonomy.js';

// Request bodies are the commands of contracts/commands/incidents (validated by @CommandBody).
export type ReportDto = IncidentReportCommand;
export type TakeCallDto = IncidentTakeCallCommand;
export type AcknowledgeDto = IncidentAcknowledgeCommand;
export type AssignDto = IncidentAssignCommand;
export type TransitionDto = IncidentTransitionCommand;
export type SubmitReportDto = IncidentSubmitReportCommand;
export type EscalateDto = IncidentEscalateCommand;

const STATUSES = [
  'reported',
  'acknowledged',
  'assigned',
  'contained',
  'eradicated',
  'recovered',
  'resolved',
  'closed',
  'reopened',
] as const satisfies readonly IncidentStatus[];

export class IncidentQuery extends PageQuery {
  @OneOf(STATUSES, true)
  status?: IncidentStatus;

  @OneOf(['critical', 'high', 'medium', 'low'] as const, true)
  severity?: IncidentSeverity;

  @OneOf(Object.keys(INCIDENT_CATEGORIES) as IncidentCategory[], true)
  category?: IncidentCategory;

  @ApiPropertyOptional({ description: 'DIC, auditors and the police: one agency' })
  @IsOptional()
  @AgencyCode()
  agency?: string;

  @ApiPropertyOptional({ description: 'incidents holding this indicator among those the reader may see' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  observable?: string;
}
