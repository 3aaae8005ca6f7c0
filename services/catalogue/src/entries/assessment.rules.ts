import { fail, ok, type Actor, type Change, type Result } from '@openlgsp/domain';
import { ASSESSMENT_AREAS, type Assessment, type AssessmentOutcome, type EntryState } from './entry.model.js';
import { isProviderOfficerOf } from './proposal.rules.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Decree 47 Điều 16 / 000 Điều 5.8: the owner (or DIC) records the annual check, once per year. */
export function assess(
  entry: EntryState,
  input: { assessmentId: string; year: number; results: Assessment['results'] },
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!isProviderOfficerOf(by, entry.ownerAgency) && !by.roles.includes('dic'))
    return fail(
      'forbidden',
      'not-owner',
      `only a provider of ${entry.ownerAgency} or DIC records its assessments`,
    );
  if (entry.status !== 'listed')
    return fail('conflict', 'not-listed', `entry is ${entry.status}; only listed entries are assessed`);
  if (input.year > now.getUTCFullYear())
    return fail('invalid', 'future-year', `cannot assess year ${input.year} before it starts`, {
      path: '/year',
    });
  if (entry.assessments.some((a) => a.year === input.year))
    return fail('conflict', 'already-assessed', `the ${input.year} assessment is already recorded`);
  const overall = overallOutcome(input.results);
  const assessment: Assessment = {
    id: input.assessmentId,
    year: input.year,
    assessedAt: now,
    results: input.results,
    overall,
    assessedBy: by.sub,
  };
  const next: EntryState = {
    ...entry,
    assessments: [...entry.assessments, assessment],
    lastAssessedAt: now,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.entry.assessed.v1',
        data: {
          entryId: entry._id,
          assessmentId: assessment.id,
          year: assessment.year,
          assessedAt: now.toISOString(),
          results: input.results,
          overall,
        },
      },
    ],
  });
}

/** The worst area decides: one failed area fails the assessment. */
export function overallOutcome(results: Assessment['results']): AssessmentOutcome {
  const outcomes = ASSESSMENT_AREAS.map((a) => results[a].outcome);
  if (outcomes.includes('fail')) return 'fail';
  if (outcomes.includes('partial')) return 'partial';
  return 'pass';
}

export const ASSESSMENT_INTERVAL_DAYS = 365;

/** The moment before which a last check counts as too old. */
export function dueBefore(now: Date, intervalDays: number): Date {
  return new Date(now.getTime() - intervalDays * DAY_MS);
}

/** A listed entry with no assessment in the last `intervalDays` is overdue (checked every year). */
export function isAssessmentOverdue(
  entry: Pick<EntryState, 'status' | 'lastAssessedAt'>,
  now: Date,
  intervalDays = ASSESSMENT_INTERVAL_DAYS,
): boolean {
  if (entry.status !== 'listed') return false;
  return !entry.lastAssessedAt || entry.lastAssessedAt < dueBefore(now, intervalDays);
}
