import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { OutboxRelay } from '@openlgsp/events';
import {
  AggregateRepository,
  MONGO_CONNECTION,
  decodeCursor,
  encodeCursor,
  type Page,
} from '@openlgsp/persistence';
import type { ErrorReportState, ErrorReportStatus } from './error-report.model.js';
import { ErrorReportSchema } from './error-report.schema.js';

@Injectable()
export class ErrorReportsRepository extends AggregateRepository<ErrorReportState> {
  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay) {
    super('error report', AggregateRepository.modelOf(connection, 'ErrorReport', ErrorReportSchema), relay);
  }

  /** Reports visible to an agency (about its entries or by it), or all for coordinators. */
  async list(
    scope: { agency?: string },
    filter: { status?: ErrorReportStatus; entryId?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<ErrorReportState>> {
    const query: Record<string, unknown> = {};
    if (scope.agency) query.$or = [{ ownerAgency: scope.agency }, { reporterAgency: scope.agency }];
    if (filter.status) query.status = filter.status;
    if (filter.entryId) query.entryId = filter.entryId;
    if (cursor) query._id = { $gt: decodeCursor(cursor).id };
    const rows = (await this.model
      .find(query as never, { outbox: 0 })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean()) as ErrorReportState[];
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor({ key: last._id, id: last._id }) : null,
    };
  }
}
