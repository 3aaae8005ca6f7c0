import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type {
  EntryAssessCommand,
  EntryReviewCommand,
  ProposalCompileCommand,
  ProposalDecideCommand,
  ProposalSubmitChangeCommand,
  ProposalSubmitCommand,
} from '@openlgsp/contracts';
import { AGENCY_CODE, BooleanQuery, OneOf, OptionalText, PageQuery } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/catalogue (validated by @CommandBody).
export type ProposeAdditionDto = ProposalSubmitCommand;
export type ProposeChangeDto = ProposalSubmitChangeCommand;
export type CompileDto = ProposalCompileCommand;
export type DecisionDto = ProposalDecideCommand;
export type AssessmentDto = EntryAssessCommand;
export type ReviewDto = EntryReviewCommand;

export const SHARING_MODES = ['default', 'request'] as const;

export class EntrySearchQuery extends PageQuery {
  @OptionalText(200, 'words to find in name, purpose, scope, sector (accents optional)')
  q?: string;

  @ApiPropertyOptional({ pattern: AGENCY_CODE.source })
  @IsOptional()
  @IsString()
  @Matches(AGENCY_CODE, { message: 'owner must be an agency code (2-64 letters, digits, - or _)' })
  owner?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sector?: string;

  @OneOf(SHARING_MODES, true)
  sharingMode?: (typeof SHARING_MODES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  open?: boolean;

  @OneOf(['proposed', 'listed', 'rejected', 'withdrawn'] as const, true)
  status?: 'proposed' | 'listed' | 'rejected' | 'withdrawn';
}
