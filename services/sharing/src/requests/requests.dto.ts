import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsEmail,
  IsOptional,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { BooleanQuery, OneOf, OptionalText, PageQuery, Text, UuidField, AgencyCode } from '@openlgsp/http';
import { FieldList, LegalBasis, NestedPeriod, ScopeDto, type PeriodDto } from '../common/dto.js';
import type { LegalReferenceDto } from '@openlgsp/http';

export class ContactDto {
  @Text(300, 'the contact officer', 'Nguyễn Văn An')
  name!: string;

  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: '$property must be an email address' })
  email?: string;

  @ApiPropertyOptional({ pattern: '^[0-9+() .-]{3,32}$' })
  @IsOptional()
  @Matches(/^[0-9+() .-]{3,32}$/, { message: '$property must be a phone number' })
  phone?: string;
}

export class ThirdPartyDto {
  @Text(300, 'the third party taking part in using the data')
  name!: string;

  @Text(300, 'the reference of the commitment it signed (000 Điều 7.2.d)')
  commitmentRef!: string;
}

export class DataSubjectDto {
  @ApiProperty({ pattern: '^[0-9A-Za-z-]{9,20}$', description: 'citizen ID (12 digits) or tax code' })
  @Matches(/^[0-9A-Za-z-]{9,20}$/, { message: '$property must be a citizen ID or tax code' })
  identifier!: string;

  @Text(300, "the reference of the subject's consent")
  consentRef!: string;
}

/** The same fields as the request.filed intake event's data. */
export class SubmitRequestDto {
  @UuidField(false, 'the catalogue entry')
  entryId!: string;

  @UuidField(true, 'a specific sharing service of the entry')
  serviceId?: string;

  @Text(4000, 'what the data will be used for (000 Điều 7.2.a)')
  purpose!: string;

  @FieldList()
  fields!: string[];

  @LegalBasis()
  legalBasis!: LegalReferenceDto[];

  @NestedPeriod()
  period!: PeriodDto;

  @ApiPropertyOptional({ type: ThirdPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ThirdPartyDto)
  thirdParty?: ThirdPartyDto;

  @ApiProperty({ type: ContactDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ContactDto)
  contact!: ContactDto;

  @ApiPropertyOptional({ type: DataSubjectDto, description: "made on a person's or organisation's behalf" })
  @IsOptional()
  @ValidateNested()
  @Type(() => DataSubjectDto)
  dataSubject?: DataSubjectDto;
}

export class ApproveDto extends ScopeDto {}

export class RefuseDto {
  @Text(4000, 'why (Decree 194/2025 Điều 16.2)')
  reasons!: string;

  @LegalBasis()
  legalBasis!: LegalReferenceDto[];
}

export class WithdrawDto {
  @OptionalText(4000)
  reason?: string;
}

export class RequestQuery extends PageQuery {
  @OneOf(['submitted', 'under-review', 'approved', 'refused', 'withdrawn'] as const, true)
  status?: 'submitted' | 'under-review' | 'approved' | 'refused' | 'withdrawn';

  @UuidField(true)
  entryId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @AgencyCode()
  ownerAgency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @AgencyCode()
  requesterAgency?: string;

  @ApiPropertyOptional({ description: 'only requests escalated to DIC (true) or not (false)' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  escalated?: boolean;
}
