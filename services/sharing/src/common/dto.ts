import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Instant, LegalReferenceDto } from '@openlgsp/http';
import type { Period } from './scope.js';

export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export class PeriodDto {
  @Instant(false, 'start (inclusive)')
  from!: string;

  @Instant(false, 'end (exclusive)')
  until!: string;
}

export const toPeriod = (p: PeriodDto): Period => ({ from: new Date(p.from), until: new Date(p.until) });

/** A list of data-field names, each once. */
export function FieldList(optional = false) {
  const decorators = [
    optional
      ? ApiPropertyOptional({ type: [String], maxItems: 200 })
      : ApiProperty({ type: [String], maxItems: 200 }),
    ...(optional ? [IsOptional()] : []),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(200),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(FIELD_NAME, { each: true, message: 'each of $property must be a field name' }),
  ];
  return applyDecorators(...decorators);
}

export function LegalBasis(optional = false) {
  const decorators = [
    optional
      ? ApiPropertyOptional({ type: [LegalReferenceDto] })
      : ApiProperty({ type: [LegalReferenceDto] }),
    ...(optional ? [IsOptional()] : [IsDefined()]),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(20),
    ValidateNested({ each: true }),
    Type(() => LegalReferenceDto),
  ];
  return applyDecorators(...decorators);
}

export function Conditions() {
  const decorators = [
    ApiPropertyOptional({ type: [String], maxItems: 20 }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(20),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(4000, { each: true }),
  ];
  return applyDecorators(...decorators);
}

export function NestedPeriod(optional = false) {
  const decorators = [
    optional ? ApiPropertyOptional({ type: PeriodDto }) : ApiProperty({ type: PeriodDto }),
    ...(optional ? [IsOptional()] : [IsDefined()]),
    ValidateNested(),
    Type(() => PeriodDto),
  ];
  return applyDecorators(...decorators);
}

/** The scope a decision fixes: fields (at most those requested), validity, conditions. */
export class ScopeDto {
  @FieldList(true)
  fields?: string[];

  @NestedPeriod(true)
  validity?: PeriodDto;

  @Conditions()
  conditions?: string[];
}
