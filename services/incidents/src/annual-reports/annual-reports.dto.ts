import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import type { AnnualReportExpectCommand, AnnualReportSubmitCommand } from '@openlgsp/contracts';
import { BooleanQuery, OneOf, PageQuery } from '@openlgsp/http';
import type { AnnualReportKind } from './annual-report.model.js';

// Bodies are the commands of contracts/commands/incidents (validated by @CommandBody).
export type SubmitAnnualReportDto = AnnualReportSubmitCommand;
export type ExpectAnnualReportsDto = AnnualReportExpectCommand;

export class AnnualReportQuery extends PageQuery {
  @OneOf(['security', 'network-use'] as const, true)
  kind?: AnnualReportKind;

  @ApiPropertyOptional({ minimum: 2000, maximum: 2100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ description: 'only reports not in by their due time (true)' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  overdue?: boolean;
}
