import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601 } from 'class-validator';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;

/** A bounded period of the trail, for the annual reports. */
export class ExportQuery {
  @ApiProperty({ description: 'recorded at or after (RFC 3339)', example: '2025-01-01T00:00:00Z' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from must be an RFC 3339 date-time' })
  from!: string;

  @ApiProperty({ description: 'recorded before (RFC 3339)', example: '2026-01-01T00:00:00Z' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to must be an RFC 3339 date-time' })
  to!: string;

  @ApiProperty({ enum: EXPORT_FORMATS, default: 'ndjson' })
  @IsIn(EXPORT_FORMATS, { message: `format must be one of: ${EXPORT_FORMATS.join(', ')}` })
  format: (typeof EXPORT_FORMATS)[number] = 'ndjson';
}
