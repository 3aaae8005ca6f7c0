import { Injectable } from '@nestjs/common';
import { DeadlineRepositoryOf } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { UsageDemandState } from './usage-demand.model.js';
import { UsageDemandSchema } from './usage-demand.schema.js';

/** An unanswered demand is flagged to DIC at its due time, once. */
@Injectable()
export class UsageDemandsRepository extends DeadlineRepositoryOf<UsageDemandState>(
  'usage-report demand',
  'UsageDemand',
  UsageDemandSchema,
  {
    dueCollection: 'usage_demands_due',
    kinds: [{ name: 'overdue', at: (d) => d.dueAt, pending: (d) => d.status === 'open' && !d.flaggedAt }],
    unfinished: { status: 'open' },
  },
) {
  overdue(now: Date): Promise<UsageDemandState[]> {
    return this.deadlines.due('overdue', now, DUE_BATCH);
  }
}
