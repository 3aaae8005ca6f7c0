import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { OneOf, OptionalText, PageQuery, Text, UUID_PATTERN } from '@openlgsp/http';

export class OpenErrorReportDto {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @Matches(UUID_PATTERN, { message: '$property must be a UUID' })
  entryId!: string;

  @ApiPropertyOptional({ description: 'the data field that is wrong' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { message: '$property must be a data field name' })
  field?: string;

  @Text(4000, 'what is wrong')
  description!: string;

  @OptionalText(200, 'which record (an id in the shared data)')
  recordRef?: string;
}

export class AcknowledgeDto {
  @OptionalText(2000)
  note?: string;
}

export class CorrectionDto {
  @Text(4000, 'what was corrected (đính chính)')
  correction!: string;
}

export class ErrorReportQuery extends PageQuery {
  @OneOf(['open', 'acknowledged', 'corrected'] as const, true)
  status?: 'open' | 'acknowledged' | 'corrected';

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(UUID_PATTERN)
  entryId?: string;
}
