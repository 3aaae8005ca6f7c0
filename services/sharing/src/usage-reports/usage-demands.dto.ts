import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { OneOf, PageQuery, Text, UuidField } from '@openlgsp/http';
import { NestedPeriod, type PeriodDto } from '../common/dto.js';

export class DemandDto {
  @UuidField(false, 'the grant whose use is to be reported')
  grantId!: string;

  @Text(4000, 'why misuse is suspected (004 Điều 13.1.g)')
  reason!: string;
}

export class UsageReportDto {
  @Text(4000, 'how the data was used')
  summary!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  requests?: number;

  @NestedPeriod(true)
  period?: PeriodDto;
}

export class UsageDemandQuery extends PageQuery {
  @OneOf(['open', 'answered'] as const, true)
  status?: 'open' | 'answered';

  @UuidField(true)
  grantId?: string;
}
