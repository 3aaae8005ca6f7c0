import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import type {
  RequestApproveCommand,
  RequestRefuseCommand,
  RequestSubmitCommand,
  RequestWithdrawCommand,
} from '@openlgsp/contracts';
import { AgencyCode, BooleanQuery, OneOf, PageQuery, UuidField } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/sharing (validated by @CommandBody); a
// submitted request is exactly the data of the request.filed intake event.
export type SubmitRequestDto = RequestSubmitCommand;
export type ApproveDto = RequestApproveCommand;
export type RefuseDto = RequestRefuseCommand;
export type WithdrawDto = RequestWithdrawCommand;

export class RequestQuery extends PageQuery {
  @OneOf(['submitted', 'under-review', 'approved', 'refused', 'withdrawn'] as const, true)
  status?: 'submitted' | 'under-review' | 'approved' | 'refused' | 'withdrawn';

  @UuidField(true)
  entryId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @AgencyCode()
  ownerAgency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @AgencyCode()
  requesterAgency?: string;

  @ApiPropertyOptional({ description: 'only requests escalated to DIC (true) or not (false)' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  escalated?: boolean;
}
