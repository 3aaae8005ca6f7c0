import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { UsageDemandState } from './usage-demand.model.js';
import { UsageDemandSchema } from './usage-demand.schema.js';

@Injectable()
export class UsageDemandsRepository extends AggregateRepositoryOf<UsageDemandState>(
  'usage-report demand',
  'UsageDemand',
  UsageDemandSchema,
) {
  async overdue(now: Date): Promise<UsageDemandState[]> {
    return (await this.model
      .find({ status: 'open', flaggedAt: null, dueAt: { $lte: now } }, { outbox: 0 })
      .limit(DUE_BATCH)
      .lean()) as UsageDemandState[];
  }
}
