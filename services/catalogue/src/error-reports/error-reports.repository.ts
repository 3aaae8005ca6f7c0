import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf, type Page } from '@openlgsp/persistence';
import type { ErrorReportState, ErrorReportStatus } from './error-report.model.js';
import { ErrorReportSchema } from './error-report.schema.js';

@Injectable()
export class ErrorReportsRepository extends AggregateRepositoryOf<ErrorReportState>(
  'error report',
  'ErrorReport',
  ErrorReportSchema,
) {
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
