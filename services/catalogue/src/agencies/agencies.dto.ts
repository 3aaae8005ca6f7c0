import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { AgencyCode, OneOf, OptionalText, Text } from '@openlgsp/http';

export class FocalPointDto {
  @Text(200)
  name!: string;

  @OptionalText(200)
  title?: string;

  @ApiProperty({ format: 'email' })
  @IsEmail()
  @MaxLength(200)
  email!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\+?[0-9 .-]{6,20}$/, { message: '$property must be a phone number' })
  phone?: string;
}

export class AgencyDetailsDto {
  @ApiPropertyOptional({ description: 'national agency identifier (mã định danh)', example: '000.00.31.H41' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Z]{2,5}(\.[0-9A-Z]{2,5}){1,5}$/, {
    message: '$property must be a national identifier like 000.00.31.H41',
  })
  nationalId?: string;

  @Text(300, 'official name', 'Sở Tài nguyên và Môi trường')
  name!: string;

  @OneOf(['province', 'district', 'commune'] as const)
  level!: 'province' | 'district' | 'commune';

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9_-]{2,64}$' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{2,64}$/, { message: '$property must be an agency code' })
  parentCode?: string;

  @ApiPropertyOptional({ type: FocalPointDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FocalPointDto)
  focalPoint?: FocalPointDto;
}

export class RegisterAgencyDto extends AgencyDetailsDto {
  @AgencyCode('token-safe code used in subjects and tokens')
  code!: string;
}
