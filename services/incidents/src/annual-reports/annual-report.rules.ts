import type { Fact } from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';
import { actsForAgency, forbidden, type Actor } from '../common/actor.js';
import { daysMs, localDate } from '../common/vietnam-time.js';
import type { IncidentsConfig } from '../config.js';
import type { AnnualReportKind, AnnualReportState } from './annual-report.model.js';

export type AnnualConfig = Pick<
  IncidentsConfig,
  'securityReportDue' | 'networkUseReportDue' | 'annualReminderDays'
>;

export interface AnnualReportChange {
  next: AnnualReportState;
  facts: Fact[];
}

const SOURCE: Readonly<Record<AnnualReportKind, string>> = {
  security: '002 Điều 7.10',
  'network-use': '001 Điều 14.4',
};

export const annualReportId = (kind: AnnualReportKind, agency: string, year: number): string =>
  `${kind}:${agency}:${year}`;

/** "Before 15 November" (002 Điều 7.10), "before 1 December" (001 Điều 14.4): the local midnight starting that day. */
export function annualDueAt(kind: AnnualReportKind, year: number, config: AnnualConfig): Date {
  const { month, day } = kind === 'security' ? config.securityReportDue : config.networkUseReportDue;
  return localDate(year, month, day);
}

/** The report an agency owes for a year, before anything is submitted. */
export function reportOwed(
  kind: AnnualReportKind,
  agency: string,
  year: number,
  now: Date,
  config: AnnualConfig,
): AnnualReportState {
  const dueAt = annualDueAt(kind, year, config);
  return {
    _id: annualReportId(kind, agency, year),
    revision: 1,
    agency,
    kind,
    year,
    dueAt,
    remindAt: new Date(dueAt.getTime() - daysMs(config.annualReminderDays)),
    remindedAt: null,
    overdueAt: null,
    submission: null,
    updatedAt: now,
  };
}

const data = (r: AnnualReportState) => ({
  agency: r.agency,
  kind: r.kind,
  year: r.year,
  dueAt: r.dueAt.toISOString(),
});

/** The agency submits its report; a late one is taken and marked late. */
export function submit(
  report: AnnualReportState,
  input: { documentRef: string },
  by: Actor,
  now: Date,
): Result<AnnualReportChange> {
  if (!actsForAgency(by, report.agency))
    return forbidden('not-agency', `only ${report.agency} submits its report`, SOURCE[report.kind]);
  if (!input.documentRef.trim())
    return fail('invalid', 'document-required', 'a report names its document', { path: '/documentRef' });
  if (report.submission)
    return fail('conflict', 'already-submitted', `the ${report.year} ${report.kind} report is already in`);
  const late = now >= report.dueAt;
  const next: AnnualReportState = {
    ...report,
    submission: { documentRef: input.documentRef, by: by.sub, at: now, late },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.annual-report.submitted.v1',
        data: { ...data(next), documentRef: input.documentRef, late, by: by.sub },
      },
    ],
  });
}

export type AnnualStep = 'remind' | 'overdue';

/** The step due at `now`, if any: overdue once past due (no late reminder), else the reminder once. */
export function annualDueStep(report: AnnualReportState, now: Date): AnnualStep | null {
  if (report.submission || report.overdueAt) return null;
  if (report.dueAt <= now) return 'overdue';
  if (report.remindAt <= now && !report.remindedAt) return 'remind';
  return null;
}

export function applyAnnualStep(
  report: AnnualReportState,
  step: AnnualStep,
  now: Date,
): Result<AnnualReportChange> {
  if (annualDueStep(report, now) !== step) return fail('conflict', 'step-not-due', `no ${step} is due`);
  const next: AnnualReportState =
    step === 'remind'
      ? { ...report, remindedAt: now, updatedAt: now }
      : { ...report, overdueAt: now, remindedAt: report.remindedAt ?? now, updatedAt: now };
  return ok({
    next,
    facts: [
      step === 'remind'
        ? { type: 'vn.openlgsp.incidents.annual-report.reminded.v1', data: data(report) }
        : { type: 'vn.openlgsp.incidents.annual-report.overdue.v1', data: data(report) },
    ],
  });
}

/** The reports not in by their due time, oldest first: the overdue list for DIC. */
export function overdueReports(reports: readonly AnnualReportState[], now: Date): AnnualReportState[] {
  return reports
    .filter((r) => !r.submission && r.dueAt <= now)
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.agency.localeCompare(b.agency));
}
