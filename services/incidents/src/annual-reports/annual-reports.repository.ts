import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { CLOCK, EventFactory, OutboxRelay, type Clock } from '@openlgsp/events';
import { AggregateRepositoryOf, DueLists, MONGO_CONNECTION, type DueKind } from '@openlgsp/persistence';
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
export class AnnualReportsRepository extends AggregateRepositoryOf<AnnualReportState>(
  'annual report',
  'AnnualReport',
  AnnualReportSchema,
) {
  /** The deadline tick reads reports whose reminder or due time has come by day and by `_id` (issue 12). */
  private readonly deadlines: DueLists<AnnualReportState>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    relay: OutboxRelay,
    events: EventFactory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(connection, relay, events);
    this.deadlines = this.keepDeadlines(
      new DueLists(
        connection,
        'annual_reports_due',
        DEADLINES,
        (id) => this.find(id),
        () => this.notIn(),
      ),
      () => this.clock(),
    );
  }

  /** Reports not in, whose reminder or due time has come. */
  async stepsDue(now: Date): Promise<AnnualReportState[]> {
    const [reminders, overdue] = await Promise.all([
      this.deadlines.due('reminder', now, DUE_BATCH),
      this.deadlines.due('overdue', now, DUE_BATCH),
    ]);
    const byId = new Map([...overdue, ...reminders].map((r) => [r._id, r]));
    return [...byId.values()].slice(0, DUE_BATCH);
  }

  /** Reports stored before the deadline lists existed (read once per database). */
  private async *notIn(): AsyncGenerator<AnnualReportState> {
    for await (const r of this.model
      .find({ submission: null, overdueAt: null }, { outbox: 0 })
      .lean()
      .cursor())
      yield r as unknown as AnnualReportState;
  }
}
