import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  IsDefined,
} from 'class-validator';
import {
  AgencyCode,
  BooleanQuery,
  OneOf,
  OptionalText,
  PageQuery,
  Text,
  LegalReferenceDto,
} from '@openlgsp/http';

export const FIELD_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'code',
  'geometry',
  'document',
] as const;
export const FREQUENCIES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'yearly',
  'on-change',
] as const;
export const SHARING_MODES = ['default', 'request'] as const;
export const OUTCOMES = ['pass', 'partial', 'fail'] as const;

export class DataFieldDto {
  @ApiProperty({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', example: 'parcelId' })
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, {
    message: '$property must be an identifier (letters, digits, _)',
  })
  name!: string;

  @Text(500, 'what the field holds')
  description!: string;

  @OneOf(FIELD_TYPES)
  type!: (typeof FIELD_TYPES)[number];

  @ApiPropertyOptional({ description: 'holds personal data' })
  @IsOptional()
  @IsBoolean()
  personal?: boolean;
}

/** Decree 47 Điều 12.2: what an addition to the catalogue must say. */
export class EntryContentDto {
  @Text(300, 'name of the shared database', 'Cơ sở dữ liệu đất đai')
  name!: string;

  @AgencyCode('the owning agency')
  ownerAgency!: string;

  @Text(2000)
  purpose!: string;

  @Text(2000)
  scope!: string;

  @ApiProperty({ pattern: '^[a-z0-9-]{2,40}$', example: 'land' })
  @IsString()
  @Matches(/^[a-z0-9-]{2,40}$/, { message: '$property must be a short slug (a-z, 0-9, -)' })
  sector!: string;

  @ApiProperty({ type: [DataFieldDto] })
  @ValidateNested({ each: true })
  @Type(() => DataFieldDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  dataFields!: DataFieldDto[];

  @OneOf(FREQUENCIES)
  updateFrequency!: (typeof FREQUENCIES)[number];

  @Text(300, 'when changes reach the shared copy (000 Điều 5.4)', 'within 24 hours of a change')
  integrationTime!: string;

  @ApiProperty({ description: 'ISO 8601 duration the shared data stays valid', example: 'P1Y' })
  @IsString()
  @Matches(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, {
    message: '$property must be an ISO 8601 duration such as P1Y or P6M',
  })
  validityPeriod!: string;

  @OneOf(SHARING_MODES)
  sharingMode!: (typeof SHARING_MODES)[number];

  @ApiProperty()
  @IsBoolean()
  open!: boolean;

  @ApiProperty({ description: 'master data used as the reference (dữ liệu chủ)' })
  @IsBoolean()
  masterData!: boolean;

  @ApiProperty({ type: [LegalReferenceDto] })
  @ValidateNested({ each: true })
  @Type(() => LegalReferenceDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  legalBasis!: LegalReferenceDto[];
}

export class ProposedContentDto extends EntryContentDto {
  @ApiProperty({
    description: 'the data contains state secrets (then it cannot be catalogued: 000 Điều 1.2)',
  })
  @IsBoolean()
  containsStateSecrets!: boolean;
}

export class ProposeAdditionDto {
  @ApiProperty({ type: ProposedContentDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ProposedContentDto)
  content!: ProposedContentDto;

  @Text(4000, 'the written justification (thuyết minh lý do)')
  justification!: string;
}

export class ProposeChangeDto {
  @OneOf(['amend', 'withdraw'] as const)
  kind!: 'amend' | 'withdraw';

  @Text(4000, 'the written justification (thuyết minh lý do)')
  justification!: string;

  @ApiPropertyOptional({ type: ProposedContentDto, description: 'required for an amendment' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProposedContentDto)
  content?: ProposedContentDto;
}

export class CompileDto {
  @OptionalText(2000, "DIC's note for the Committee")
  note?: string;
}

export class DecisionDto {
  @OneOf(['approved', 'rejected'] as const)
  outcome!: 'approved' | 'rejected';

  @OptionalText(2000, 'required when rejecting')
  reason?: string;

  @OptionalText(100, "the Committee's decision number")
  decisionRef?: string;
}

export class AreaResultDto {
  @OneOf(OUTCOMES)
  outcome!: (typeof OUTCOMES)[number];

  @OptionalText(1000)
  note?: string;
}

export class AssessmentResultsDto {
  @ApiProperty() @IsDefined() @ValidateNested() @Type(() => AreaResultDto) inventory!: AreaResultDto;
  @ApiProperty()
  @IsDefined()
  @ValidateNested()
  @Type(() => AreaResultDto)
  standardsConformance!: AreaResultDto;
  @ApiProperty() @IsDefined() @ValidateNested() @Type(() => AreaResultDto) accuracy!: AreaResultDto;
  @ApiProperty() @IsDefined() @ValidateNested() @Type(() => AreaResultDto) integrity!: AreaResultDto;
  @ApiProperty() @IsDefined() @ValidateNested() @Type(() => AreaResultDto) abnormalData!: AreaResultDto;
  @ApiProperty() @IsDefined() @ValidateNested() @Type(() => AreaResultDto) maintenance!: AreaResultDto;
}

export class AssessmentDto {
  @ApiProperty({ minimum: 2000, maximum: 2100 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ type: AssessmentResultsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => AssessmentResultsDto)
  results!: AssessmentResultsDto;
}

export class ReviewDto {
  @OneOf(['keep-default', 'move-to-default', 'keep-request'] as const)
  outcome!: 'keep-default' | 'move-to-default' | 'keep-request';

  @OptionalText(2000)
  note?: string;
}

export class EntrySearchQuery extends PageQuery {
  @OptionalText(200, 'words to find in name, purpose, scope, sector (accents optional)')
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{2,64}$/)
  owner?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  sector?: string;

  @OneOf(SHARING_MODES, true)
  sharingMode?: (typeof SHARING_MODES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  open?: boolean;

  @OneOf(['proposed', 'listed', 'rejected', 'withdrawn'] as const, true)
  status?: 'proposed' | 'listed' | 'rejected' | 'withdrawn';
}
