import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { OutboxRelay } from '@openlgsp/events';
import {
  AggregateRepository,
  MONGO_CONNECTION,
  decodeCursor,
  pageOf,
  type Page,
} from '@openlgsp/persistence';
import type { ErrorReportState, ErrorReportStatus } from './error-report.model.js';
import { ErrorReportSchema } from './error-report.schema.js';

@Injectable()
export class ErrorReportsRepository extends AggregateRepository<ErrorReportState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay) {
    super('error report', AggregateRepository.modelOf(connection, 'ErrorReport', ErrorReportSchema), relay);
  }

  /** One page of the reports matching `visible` (the reader's visibility) and the filter. */
  async list(
    visible: Record<string, unknown>,
    filter: { status?: ErrorReportStatus; entryId?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<ErrorReportState>> {
    const clauses: Record<string, unknown>[] = [visible];
    if (filter.status) clauses.push({ status: filter.status });
    if (filter.entryId) clauses.push({ entryId: filter.entryId });
    if (cursor) clauses.push({ _id: { $gt: decodeCursor(cursor).id } });
    const rows = (await this.model
      .find({ $and: clauses } as never, { outbox: 0, outboxAt: 0 })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean()) as ErrorReportState[];
    return pageOf(rows, limit, (row) => ({ key: row._id, id: row._id }));
  }
}
