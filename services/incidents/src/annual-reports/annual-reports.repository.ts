import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { AnnualReportState } from './annual-report.model.js';
import { AnnualReportSchema } from './annual-report.schema.js';

@Injectable()
export class AnnualReportsRepository extends AggregateRepositoryOf<AnnualReportState>(
  'annual report',
  'AnnualReport',
  AnnualReportSchema,
) {
  /** Reports not in, whose reminder or due time has come (a bounded scan per tick). */
  async stepsDue(now: Date): Promise<AnnualReportState[]> {
    return (await this.model
      .find(
        {
          submission: null,
          overdueAt: null,
          $or: [{ dueAt: { $lte: now } }, { remindedAt: null, remindAt: { $lte: now } }],
        },
        { outbox: 0 },
      )
      .limit(DUE_BATCH)
      .lean()) as AnnualReportState[];
  }
}
