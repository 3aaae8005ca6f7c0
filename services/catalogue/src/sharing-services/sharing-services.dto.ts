import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type {
  ServiceDeclareCommand,
  ServiceRetireCommand,
  ServiceSuspendCommand,
  ServiceUpdateCommand,
} from '@openlgsp/contracts';
import { AGENCY_CODE, OneOf, OptionalText, PageQuery, UUID_PATTERN } from '@openlgsp/http';
import { PROTOCOLS, type Protocol } from './sharing-service.model.js';

// Request bodies are the commands of contracts/commands/catalogue (validated by @CommandBody).
export type DeclareServiceDto = ServiceDeclareCommand;
export type UpdateServiceDto = ServiceUpdateCommand;
export type SuspendServiceDto = ServiceSuspendCommand;
export type RetireServiceDto = ServiceRetireCommand;

export class ServiceSearchQuery extends PageQuery {
  @OptionalText(200)
  q?: string;

  @ApiPropertyOptional({ pattern: AGENCY_CODE.source })
  @IsOptional()
  @Matches(AGENCY_CODE, { message: 'provider must be an agency code (2-64 letters, digits, - or _)' })
  provider?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'entryId must be a UUID' })
  entryId?: string;

  @OneOf(PROTOCOLS, true)
  protocol?: Protocol;

  @OneOf(['active', 'suspended', 'retired'] as const, true)
  status?: 'active' | 'suspended' | 'retired';
}
