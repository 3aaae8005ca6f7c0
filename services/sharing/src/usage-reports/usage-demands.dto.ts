import type { UsageReportDemandCommand, UsageReportSubmitCommand } from '@openlgsp/contracts';
import { OneOf, PageQuery, UuidField } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/sharing (validated by @CommandBody).
export type DemandDto = UsageReportDemandCommand;
export type UsageReportDto = UsageReportSubmitCommand;

export class UsageDemandQuery extends PageQuery {
  @OneOf(['open', 'answered'] as const, true)
  status?: 'open' | 'answered';

  @UuidField(true)
  grantId?: string;
}
