// Query-string building blocks every service's controllers share: bounded texts, agency codes, enums,
// paging. Request bodies are commands (contracts/commands, see command-body.ts), not classes.
import { applyDecorators, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { agencyCodePattern, uuidPattern } from '@openlgsp/contracts';
import { ProblemError, problem } from './problem.js';

/** Agency codes are NATS-token safe: they travel in subjects (common.json#/$defs/agencyCode). */
export const AGENCY_CODE = agencyCodePattern;

export function OptionalText(max: number, description?: string) {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: max, ...(description ? { description } : {}) }),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(max),
  );
}

export function AgencyCode(description = 'agency code (letters, digits, - and _)') {
  return applyDecorators(
    ApiProperty({ pattern: AGENCY_CODE.source, description, example: 'STNMT' }),
    IsString(),
    Matches(AGENCY_CODE, { message: '$property must be an agency code (2-64 letters, digits, - or _)' }),
  );
}

export function OneOf<T extends string>(values: readonly T[], optional = false) {
  return applyDecorators(
    optional ? ApiPropertyOptional({ enum: values }) : ApiProperty({ enum: values }),
    ...(optional ? [IsOptional()] : []),
    IsIn(values as T[], { message: `$property must be one of: ${values.join(', ')}` }),
  );
}

/** Page size and cursor of every list endpoint. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** Query-string booleans: only the words true and false. */
export const BooleanQuery = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

/** A UUID in canonical lower-case form (common.json#/$defs/uuid). */
export const UUID_PATTERN = uuidPattern;

@Injectable()
export class ParseAgencyCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!AGENCY_CODE.test(value))
      throw new ProblemError(
        problem(400, 'not an agency code', {
          code: 'invalid-request',
          errors: [{ path: '/code', message: 'must be 2-64 letters, digits, - or _' }],
        }),
      );
    return value;
  }
}

/** A UUID-valued query field (lower-case canonical form, as ids are written). */
export function UuidField(optional = false, description?: string) {
  return applyDecorators(
    optional
      ? ApiPropertyOptional({ format: 'uuid', ...(description ? { description } : {}) })
      : ApiProperty({ format: 'uuid', ...(description ? { description } : {}) }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(UUID_PATTERN, { message: '$property must be a UUID' }),
  );
}
