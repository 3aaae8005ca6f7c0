import type { ServiceSuspensionAnnounceCommand } from '@openlgsp/contracts';
import { OneOf, PageQuery, UuidField } from '@openlgsp/http';

// Request bodies are the commands of contracts/commands/sharing (validated by @CommandBody).
export type AnnounceDto = ServiceSuspensionAnnounceCommand;

export class PlannedSuspensionQuery extends PageQuery {
  @UuidField(true)
  serviceId?: string;

  @OneOf(['announced', 'in-effect', 'restored', 'cancelled'] as const, true)
  status?: 'announced' | 'in-effect' | 'restored' | 'cancelled';
}
