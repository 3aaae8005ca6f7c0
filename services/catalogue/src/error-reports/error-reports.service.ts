import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Result } from '@openlgsp/domain';
import { CLOCK, EventFactory, type Clock } from '@openlgsp/events';
import { NotFoundError } from '@openlgsp/persistence';
import { EntriesRepository } from '../entries/entries.repository.js';
import type { Actor } from '../entries/entry.model.js';
import type { ErrorReportState, ErrorReportStatus } from './error-report.model.js';
import {
  acknowledge,
  canSeeReport,
  correct,
  open,
  reportsVisibleTo,
  type ReportChange,
} from './error-report.rules.js';
import { ErrorReportsRepository } from './error-reports.repository.js';

@Injectable()
export class ErrorReportsService {
  constructor(
    private readonly reports: ErrorReportsRepository,
    private readonly entries: EntriesRepository,
    private readonly events: EventFactory,
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
    await this.reports.insert(change.next, this.events.createAll(change.facts, change.next._id, by));
    return { reportId };
  }

  /** A report by id, whoever may see it: for the intake's idempotence check. */
  find(reportId: string) {
    return this.reports.find(reportId);
  }

  acknowledge(reportId: string, note: string | undefined, by: Actor) {
    return this.apply(reportId, by, (r, now) => acknowledge(r, note, by, now));
  }

  correct(reportId: string, correction: string, by: Actor) {
    return this.apply(reportId, by, (r, now) => correct(r, correction, by, now));
  }

  async get(reportId: string, by: Actor) {
    const report = await this.reports.get(reportId);
    if (!canSeeReport(report, by)) throw new NotFoundError('error report', reportId);
    return report;
  }

  list(by: Actor, filter: { status?: ErrorReportStatus; entryId?: string }, limit: number, cursor?: string) {
    return this.reports.list(reportsVisibleTo(by), filter, { limit, cursor });
  }

  private async apply(
    reportId: string,
    by: Actor,
    rule: (r: ErrorReportState, now: Date) => Result<ReportChange>,
  ) {
    const report = await this.get(reportId, by);
    const change = unwrap(rule(report, this.clock()));
    const { _id, revision: _r, ...next } = change.next;
    return this.reports.update(_id, report.revision, next, this.events.createAll(change.facts, reportId, by));
  }
}
