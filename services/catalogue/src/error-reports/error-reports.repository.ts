import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay } from '@openlgsp/events';
import { AggregateRepository, MONGO_CONNECTION, type Page } from '@openlgsp/persistence';
import type { ErrorReportState, ErrorReportStatus } from './error-report.model.js';
import { ErrorReportSchema } from './error-report.schema.js';

@Injectable()
export class ErrorReportsRepository extends AggregateRepository<ErrorReportState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(
      'error report',
      AggregateRepository.modelOf(connection, 'ErrorReport', ErrorReportSchema),
      relay,
      events,
    );
  }

  /** One page of the reports matching `visible` (the reader's visibility) and the filter. */
  list(
    visible: Record<string, unknown>,
    filter: { status?: ErrorReportStatus; entryId?: string },
    page: { limit: number; cursor?: string },
  ): Promise<Page<ErrorReportState>> {
    const clauses: Record<string, unknown>[] = [visible];
    if (filter.status) clauses.push({ status: filter.status });
    if (filter.entryId) clauses.push({ entryId: filter.entryId });
    return this.page({ $and: clauses }, page);
  }
}
