import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import type { GrantSuspendCommand, GrantTerminateCommand } from '@openlgsp/contracts';
import { AgencyCode, OneOf, PageQuery, UuidField } from '@openlgsp/http';
import { FieldList } from '../common/dto.js';

// Request bodies are the commands of contracts/commands/sharing (validated by @CommandBody).
export type SuspendGrantDto = GrantSuspendCommand;
export type TerminateGrantDto = GrantTerminateCommand;

export class GrantQuery extends PageQuery {
  @OneOf(['active', 'suspended', 'terminated', 'expired'] as const, true)
  status?: 'active' | 'suspended' | 'terminated' | 'expired';

  @UuidField(true)
  entryId?: string;

  @IsOptional()
  @AgencyCode()
  holderAgency?: string;

  @IsOptional()
  @AgencyCode()
  ownerAgency?: string;
}

/** `GET /sharing/grants/check?holder=SXD&entryId=…&serviceId=…&fields=parcelId,area` */
export class AccessCheckQuery {
  @AgencyCode('the agency that wants the data')
  holder!: string;

  @UuidField(false, 'the catalogue entry')
  entryId!: string;

  @UuidField(true, 'the sharing service it calls')
  serviceId?: string;

  @ApiPropertyOptional({
    description: 'comma-separated field names (all must be granted)',
    example: 'parcelId,area',
  })
  @Transform(({ value }) =>
    typeof value === 'string' ? value.split(',').map((f: string) => f.trim()) : value,
  )
  @FieldList()
  fields?: string[];
}
