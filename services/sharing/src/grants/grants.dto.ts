import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { AgencyCode, Instant, OneOf, PageQuery, Text, UuidField } from '@openlgsp/http';
import { FieldList } from '../common/dto.js';

export class SuspendGrantDto {
  @OneOf(['breach', 'security-risk'] as const)
  cause!: 'breach' | 'security-risk';

  @Text(4000, 'why (Decree 47 Điều 43)')
  reason!: string;

  @Instant(true, 'when it is expected to be lifted')
  until?: string;
}

export class TerminateGrantDto {
  @Text(4000, 'why (Decree 47 Điều 44)')
  reason!: string;
}

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
  @FieldList(true)
  fields?: string[];
}
