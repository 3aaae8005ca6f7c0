import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import { fieldNamePattern, type Period as PeriodBody } from '@openlgsp/contracts';
import type { Period } from './scope.js';

/** A period as the contracts carry it (RFC 3339 texts), as the rules use it (dates). */
export const toPeriod = (p: PeriodBody): Period => ({ from: new Date(p.from), until: new Date(p.until) });

/** A query-string list of data-field names, each once (the rule of common.json#/$defs/fieldList). */
export function FieldList() {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], maxItems: 200, items: { pattern: fieldNamePattern.source } }),
    IsOptional(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(200),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(fieldNamePattern, { each: true, message: 'each of $property must be a field name' }),
  );
}
