import { actsAsProviderOf, seesEverything } from '@openlgsp/auth';
import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import type { EntryState } from '../entries/entry.model.js';
import type { ErrorReportState } from './error-report.model.js';

/** Another agency tells the owner its shared data is wrong; the field, if named, must exist. */
export function open(
  entry: EntryState,
  input: { reportId: string; field?: string; description: string; recordRef?: string },
  by: Actor,
  now: Date,
): Result<Change<ErrorReportState>> {
  if (entry.status !== 'listed')
    return fail('conflict', 'not-listed', `entry is ${entry.status}; errors are reported on listed entries`);
  if (by.agency === entry.ownerAgency)
    return fail(
      'invalid',
      'own-entry',
      'the owner corrects its own data directly; reports come from other agencies',
      {
        source: '004 Điều 14.2.c',
      },
    );
  if (input.field && !entry.content.dataFields.some((f) => f.name === input.field))
    return fail('invalid', 'unknown-field', `entry has no data field '${input.field}'`, { path: '/field' });
  const next: ErrorReportState = {
    _id: input.reportId,
    revision: 1,
    entryId: entry._id,
    ownerAgency: entry.ownerAgency,
    reporterAgency: by.agency,
    reportedBy: by.sub,
    ...(input.field ? { field: input.field } : {}),
    description: input.description,
    ...(input.recordRef ? { recordRef: input.recordRef } : {}),
    status: 'open',
    acknowledgement: null,
    correction: null,
    openedAt: now,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.error-report.opened.v1',
        data: {
          reportId: next._id,
          entryId: entry._id,
          ownerAgency: entry.ownerAgency,
          reporterAgency: by.agency,
          ...(input.field ? { field: input.field } : {}),
          description: input.description,
          ...(input.recordRef ? { recordRef: input.recordRef } : {}),
        },
      },
    ],
  });
}

export function acknowledge(
  report: ErrorReportState,
  note: string | undefined,
  by: Actor,
  now: Date,
): Result<Change<ErrorReportState>> {
  if (!actsAsProviderOf(by, report.ownerAgency))
    return fail('forbidden', 'not-owner', `only ${report.ownerAgency} acknowledges reports on its data`);
  if (report.status !== 'open') return fail('conflict', 'not-open', `report is ${report.status}`);
  const next: ErrorReportState = {
    ...report,
    status: 'acknowledged',
    acknowledgement: { ...(note ? { note } : {}), at: now, by: by.sub },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.error-report.acknowledged.v1',
        data: { reportId: report._id, entryId: report.entryId, ...(note ? { note } : {}) },
      },
    ],
  });
}

/** 000 Điều 5.6: the owner corrects the data and says what it corrected. */
export function correct(
  report: ErrorReportState,
  correction: string,
  by: Actor,
  now: Date,
): Result<Change<ErrorReportState>> {
  if (!actsAsProviderOf(by, report.ownerAgency))
    return fail('forbidden', 'not-owner', `only ${report.ownerAgency} corrects its data`, {
      source: '000 Điều 5.6',
    });
  if (report.status === 'corrected')
    return fail('conflict', 'already-corrected', 'report is already corrected');
  const next: ErrorReportState = {
    ...report,
    status: 'corrected',
    correction: { text: correction, at: now, by: by.sub },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.error-report.corrected.v1',
        data: { reportId: report._id, entryId: report.entryId, correction },
      },
    ],
  });
}

/** Reports are seen by the two agencies involved, by DIC and by auditors. */
export function canSeeReport(report: ErrorReportState, by: Actor): boolean {
  if (seesEverything(by)) return true;
  return !!by.agency && (by.agency === report.ownerAgency || by.agency === report.reporterAgency);
}

/** The same rule as a store filter, for lists: `canSeeReport` holds for every document it matches. */
export function reportsVisibleTo(by: Actor): Record<string, unknown> {
  if (seesEverything(by)) return {};
  if (!by.agency) return { _id: { $in: [] } };
  return { $or: [{ ownerAgency: by.agency }, { reporterAgency: by.agency }] };
}
