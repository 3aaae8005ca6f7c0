// DTO building blocks every service's controllers share: bounded texts, agency codes, enums, paging.
import { applyDecorators, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ProblemError, problem } from './problem.js';

/** Agency codes are NATS-token safe: they travel in subjects. */
export const AGENCY_CODE = /^[A-Za-z0-9_-]{2,64}$/;

/** A required, trimmed, bounded text field. */
export function Text(max: number, description?: string, example?: string) {
  return applyDecorators(
    ApiProperty({ maxLength: max, ...(description ? { description } : {}), ...(example ? { example } : {}) }),
    IsString(),
    MinLength(1),
    MaxLength(max),
  );
}

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

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

/** A reference to law (common.json#/$defs/legalReference): kept as data because the law moves. */
export class LegalReferenceDto {
  @Text(300, 'the legal instrument', 'Nghị định 47/2020/NĐ-CP')
  instrument!: string;

  @OptionalText(50)
  article?: string;

  @OptionalText(50)
  clause?: string;
}

/** A UUID-valued body or query field (lower-case canonical form, as ids are written). */
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

/** An RFC 3339 instant with its offset (e.g. 2026-03-02T08:00:00+07:00). */
export function Instant(optional = false, description?: string) {
  return applyDecorators(
    optional
      ? ApiPropertyOptional({ format: 'date-time', ...(description ? { description } : {}) })
      : ApiProperty({ format: 'date-time', ...(description ? { description } : {}) }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    MaxLength(40),
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be a valid date-time' }),
    Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, {
      message: '$property must be an RFC 3339 date-time with an offset',
    }),
  );
}
