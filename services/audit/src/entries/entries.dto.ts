import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { AGENCY_CODE, PageQuery } from '@openlgsp/http';
import { STREAMS } from '@openlgsp/events';

const STREAM_NAMES = Object.keys(STREAMS);

/** Filters of the trail query; all optional, all exact matches except the period. */
export class EntriesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'the acting agency (the event’s agency extension)', example: 'STNMT' })
  @IsOptional()
  @Matches(AGENCY_CODE, { message: 'agency must be an agency code (2-64 letters, digits, - or _)' })
  agency?: string;

  @ApiPropertyOptional({ description: 'the acting user or key id', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  actor?: string;

  @ApiPropertyOptional({ description: 'the event type', example: 'vn.openlgsp.catalogue.entry.listed.v1' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  type?: string;

  @ApiPropertyOptional({ description: 'the event subject (the resource id)', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  subject?: string;

  @ApiPropertyOptional({ description: 'the W3C trace id, 32 lower-case hex digits' })
  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'traceId must be 32 lower-case hex digits' })
  traceId?: string;

  @ApiPropertyOptional({ enum: STREAM_NAMES })
  @IsOptional()
  @IsIn(STREAM_NAMES, { message: `stream must be one of: ${STREAM_NAMES.join(', ')}` })
  stream?: string;

  @ApiPropertyOptional({ description: 'recorded at or after (RFC 3339)', example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'from must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'recorded before (RFC 3339)', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'to must be an RFC 3339 date-time' })
  to?: string;
}
