import type { DisputeDecideCommand, DisputeOpenCommand } from '@openlgsp/contracts';
import { OneOf, PageQuery } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/sharing (validated by @CommandBody).
export type OpenDisputeDto = DisputeOpenCommand;
export type DecideDisputeDto = DisputeDecideCommand;

export class DisputeQuery extends PageQuery {
  @OneOf(['open', 'decided'] as const, true)
  status?: 'open' | 'decided';
}
