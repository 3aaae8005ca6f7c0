import { Inject, Injectable } from '@nestjs/common';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { DuplicateError } from '@openlgsp/persistence';
import { forbidden, hasRole, isDic } from '../common/actor.js';
import { INCIDENTS_CONFIG, type IncidentsConfig } from '../config.js';
import type { AnnualReportKind, AnnualReportState } from './annual-report.model.js';
import { annualDueStep, annualReportId, applyAnnualStep, reportOwed, submit } from './annual-report.rules.js';
import { AnnualReportsRepository } from './annual-reports.repository.js';

const KINDS: readonly AnnualReportKind[] = ['security', 'network-use'];

/** Annual reports (002 Điều 7.10, 001 Điều 14.4): expected, reminded, submitted or overdue. */
@Injectable()
export class AnnualReportsService {
  constructor(
    private readonly reports: AnnualReportsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INCIDENTS_CONFIG) private readonly config: IncidentsConfig,
  ) {}

  /** DIC names the agencies that owe both reports for a year; one named again keeps its record. */
  async expect(year: number, agencies: string[], by: Actor) {
    if (!isDic(by)) unwrap(forbidden('not-dic', 'DIC follows up the annual reports', '002 Điều 7.10'));
    let expected = 0;
    for (const agency of new Set(agencies))
      for (const kind of KINDS) if (await this.owed(kind, agency, year, by)) expected++;
    return { expected };
  }

  async submit(input: { kind: AnnualReportKind; year: number; documentRef: string }, by: Actor) {
    await this.owed(input.kind, by.agency, input.year, by);
    const next = await this.reports.apply(annualReportId(input.kind, by.agency, input.year), by, (r) =>
      submit(r, input, by, this.clock()),
    );
    return { kind: next.kind, year: next.year, late: next.submission?.late ?? false };
  }

  list(
    by: Actor,
    filters: { kind?: AnnualReportKind; year?: number; overdue?: boolean },
    page: { limit: number; cursor?: string },
  ) {
    const scope = isDic(by) || hasRole(by, 'auditor') ? {} : { agency: by.agency };
    const now = this.clock();
    const overdue =
      filters.overdue === undefined
        ? {}
        : filters.overdue
          ? { submission: null, dueAt: { $lte: now } }
          : { $or: [{ submission: { $ne: null } }, { dueAt: { $gt: now } }] };
    return this.reports.page(
      {
        $and: [
          scope,
          filters.kind ? { kind: filters.kind } : {},
          filters.year ? { year: filters.year } : {},
          overdue,
        ],
      },
      page,
    );
  }

  /** Time-driven: reminders before the due date, then the overdue flag, once each. */
  async runDeadlines(now: Date): Promise<{ reminded: number; overdue: number }> {
    let reminded = 0;
    let overdue = 0;
    for (const report of await this.reports.stepsDue(now)) {
      const step = annualDueStep(report, now);
      if (!step) continue;
      if (await this.reports.applyDue(report._id, (doc) => applyAnnualStep(doc, step, now)))
        if (step === 'remind') reminded++;
        else overdue++;
    }
    return { reminded, overdue };
  }

  /** Creates the record of a report owed, if there is none yet: true when it was created. */
  private async owed(kind: AnnualReportKind, agency: string, year: number, by: Actor): Promise<boolean> {
    const owed: AnnualReportState = reportOwed(kind, agency, year, this.clock(), this.config);
    if (await this.reports.find(owed._id)) return false;
    try {
      await this.reports.create({ next: owed, facts: [] }, by);
      return true;
    } catch (err) {
      if (err instanceof DuplicateError) return false;
      throw err;
    }
  }
}
