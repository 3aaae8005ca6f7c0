import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { NotFoundError } from '@openlgsp/persistence';
import { EntriesRepository } from '../entries/entries.repository.js';
import type { ErrorReportState, ErrorReportStatus } from './error-report.model.js';
import { acknowledge, canSeeReport, correct, open, reportsVisibleTo } from './error-report.rules.js';
import { ErrorReportsRepository } from './error-reports.repository.js';

@Injectable()
export class ErrorReportsService {
  constructor(
    private readonly reports: ErrorReportsRepository,
    private readonly entries: EntriesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `reportId` lets an intake event keep its own id, so a redelivered report opens nothing twice. */
  async open(
    input: { entryId: string; field?: string; description: string; recordRef?: string; reportId?: string },
    by: Actor,
  ) {
    const entry = await this.entries.get(input.entryId);
    const { entryId: _e, reportId = uuidv7(), ...rest } = input;
    const change = unwrap(open(entry, { reportId, ...rest }, by, this.clock()));
    await this.reports.create(change, by);
    return { reportId };
  }

  /** A report by id, whoever may see it: for the intake's idempotence check. */
  find(reportId: string) {
    return this.reports.find(reportId);
  }

  acknowledge(reportId: string, note: string | undefined, by: Actor) {
    return this.reports.apply(reportId, by, (r) => acknowledge(r, note, by, this.clock()), seenBy(by));
  }

  correct(reportId: string, correction: string, by: Actor) {
    return this.reports.apply(reportId, by, (r) => correct(r, correction, by, this.clock()), seenBy(by));
  }

  async get(reportId: string, by: Actor) {
    const report = await this.reports.get(reportId);
    if (!canSeeReport(report, by)) throw new NotFoundError('error report', reportId);
    return report;
  }

  list(by: Actor, filter: { status?: ErrorReportStatus; entryId?: string }, limit: number, cursor?: string) {
    return this.reports.list(reportsVisibleTo(by), filter, { limit, cursor });
  }
}

/** A report its actor may not see is absent to them, whatever they ask of it. */
const seenBy = (by: Actor) => ({ visible: (report: ErrorReportState) => canSeeReport(report, by) });
