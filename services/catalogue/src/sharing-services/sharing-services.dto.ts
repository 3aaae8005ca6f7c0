import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OneOf, OptionalText, PageQuery, Text, UUID_PATTERN } from '@openlgsp/http';
import { PROTOCOLS, type Protocol } from './sharing-service.model.js';

function Url(optional: boolean) {
  return (target: object, key: string) => {
    (optional ? ApiPropertyOptional : ApiProperty)({ format: 'uri', maxLength: 500 })(target, key);
    if (optional) IsOptional()(target, key);
    IsString()(target, key);
    MaxLength(500)(target, key);
    Matches(/^[a-z][a-z0-9+.-]*:\/\/\S+$/i, { message: '$property must be an absolute URL' })(target, key);
  };
}

export class DeclareServiceDto {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @Matches(UUID_PATTERN, { message: '$property must be a UUID' })
  entryId!: string;

  @Text(200, 'the service name', 'Tra cứu thửa đất')
  name!: string;

  @OneOf(PROTOCOLS)
  protocol!: Protocol;

  @Url(false)
  endpoint!: string;

  @Url(true)
  documentationUrl?: string;

  @Text(40, 'the interface version', '1.2.0')
  version!: string;
}

export class UpdateServiceDto {
  @OptionalText(200)
  name?: string;

  @OneOf(PROTOCOLS, true)
  protocol?: Protocol;

  @Url(true)
  endpoint?: string;

  @Url(true)
  documentationUrl?: string;

  @OptionalText(40)
  version?: string;
}

export class SuspendServiceDto {
  @Text(2000)
  reason!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'expected restoration time' })
  @IsOptional()
  @IsDateString({ strict: true })
  until?: string;
}

export class RetireServiceDto {
  @Text(2000)
  reason!: string;
}

export class ServiceSearchQuery extends PageQuery {
  @OptionalText(200)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{2,64}$/)
  provider?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(UUID_PATTERN)
  entryId?: string;

  @OneOf(PROTOCOLS, true)
  protocol?: Protocol;

  @OneOf(['active', 'suspended', 'retired'] as const, true)
  status?: 'active' | 'suspended' | 'retired';
}
