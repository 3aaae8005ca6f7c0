import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { VerificationRunCommand } from '@openlgsp/contracts';

/** The body of POST /audit/verification (contracts/commands/audit/verification.run.json). */
export type VerificationRunBody = VerificationRunCommand;

/** The query of GET /audit/verification: a range of sequence numbers; the whole stored trail when both are left out. */
export class VerificationRange {
  @ApiPropertyOptional({ minimum: 1, description: 'first entry to verify' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'last entry to verify' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  toSeq?: number;
}
