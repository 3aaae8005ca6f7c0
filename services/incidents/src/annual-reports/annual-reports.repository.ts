import { Injectable } from '@nestjs/common';
import { DeadlineRepositoryOf, type DueKind } from '@openlgsp/persistence';
import { DUE_BATCH } from '../common/due.js';
import type { AnnualReportState } from './annual-report.model.js';
import { AnnualReportSchema } from './annual-report.schema.js';

const owed = (r: Partial<AnnualReportState>) => r.submission === null && r.overdueAt === null;

/** A report not in is reminded of at its reminder time, and flagged overdue at its due time. */
const DEADLINES: DueKind<AnnualReportState>[] = [
  { name: 'reminder', at: (r) => r.remindAt, pending: (r) => owed(r) && r.remindedAt === null },
  { name: 'overdue', at: (r) => r.dueAt, pending: owed },
];

@Injectable()
export class AnnualReportsRepository extends DeadlineRepositoryOf<AnnualReportState>(
  'annual report',
  'AnnualReport',
  AnnualReportSchema,
  {
    dueCollection: 'annual_reports_due',
    kinds: DEADLINES,
    unfinished: { submission: null, overdueAt: null },
  },
) {
  /** Reports not in, whose reminder or due time has come. */
  async stepsDue(now: Date): Promise<AnnualReportState[]> {
    const [reminders, overdue] = await Promise.all([
      this.deadlines.due('reminder', now, DUE_BATCH),
      this.deadlines.due('overdue', now, DUE_BATCH),
    ]);
    const byId = new Map([...overdue, ...reminders].map((r) => [r._id, r]));
    return [...byId.values()].slice(0, DUE_BATCH);
  }
}
