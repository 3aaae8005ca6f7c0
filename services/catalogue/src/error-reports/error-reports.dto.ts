import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type {
  ErrorReportAcknowledgeCommand,
  ErrorReportCorrectCommand,
  ErrorReportOpenCommand,
} from '@openlgsp/contracts';
import { OneOf, PageQuery, UUID_PATTERN } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/catalogue (validated by @CommandBody).
export type OpenErrorReportDto = ErrorReportOpenCommand;
export type AcknowledgeDto = ErrorReportAcknowledgeCommand;
export type CorrectionDto = ErrorReportCorrectCommand;

export class ErrorReportQuery extends PageQuery {
  @OneOf(['open', 'acknowledged', 'corrected'] as const, true)
  status?: 'open' | 'acknowledged' | 'corrected';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'entryId must be a UUID' })
  entryId?: string;
}
