import { fail, ok, type Actor, type Result } from '@openlgsp/domain';
import { isDic } from '../common/actor.js';
import { frequencyByCode, type CalendarStep } from '../vocabularies/frequencies.js';
import type { DatasetState } from './dataset.model.js';

/**
 * Freshness of open data. Due dates are local calendar days in Asia/Ho_Chi_Minh (UTC+7 all year:
 * Vietnam keeps no daylight saving), so "monthly from 31 January" is due on the last day of February,
 * not 30 days later.
 */
const LOCAL_OFFSET_MS = 7 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/** The local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 10);
}

/** A local day moved by a calendar step; a month step keeps the day of month, or the month's last day. */
export function addStep(day: string, step: NonNullable<CalendarStep>): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if ('days' in step) return new Date(Date.UTC(y, m - 1, d) + step.days * DAY_MS).toISOString().slice(0, 10);
  const monthIndex = m - 1 + step.months;
  const lastDay = new Date(Date.UTC(y, monthIndex + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, monthIndex, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/**
 * The local day the next update is due by, from the last publication and the update frequency
 * (003 Điều 3: information is kept timely). Continuous, irregular, unknown and never set
 * no due day.
 */
export function nextUpdateDue(lastPublishedAt: Date, frequency: string): string | null {
  const step = frequencyByCode(frequency)?.step ?? null;
  return step ? addStep(localDay(lastPublishedAt), step) : null;
}

/** Whether a dataset offers data to the public (published, or published with a change under review). */
export function isPublic(dataset: Pick<DatasetState, 'status' | 'latestVersion'>): boolean {
  return dataset.status !== 'retracted' && dataset.latestVersion > 0;
}

/** Overdue: public, with a due day that has passed in local time. */
export function isOverdue(
  dataset: Pick<DatasetState, 'status' | 'latestVersion' | 'nextUpdateDue'>,
  now: Date,
): boolean {
  return isPublic(dataset) && dataset.nextUpdateDue !== null && dataset.nextUpdateDue < localDay(now);
}

/** Whole local days since the due day (0 when not overdue). */
export function daysLate(dataset: Pick<DatasetState, 'nextUpdateDue'>, now: Date): number {
  if (!dataset.nextUpdateDue) return 0;
  const late =
    (Date.parse(`${localDay(now)}T00:00:00Z`) - Date.parse(`${dataset.nextUpdateDue}T00:00:00Z`)) / DAY_MS;
  return Math.max(0, late);
}

/** DIC's list of overdue datasets, the latest first. */
export function overdueDatasets<
  T extends Pick<DatasetState, '_id' | 'status' | 'latestVersion' | 'nextUpdateDue'>,
>(datasets: readonly T[], now: Date): { dataset: T; daysLate: number }[] {
  return datasets
    .filter((d) => isOverdue(d, now))
    .map((dataset) => ({ dataset, daysLate: daysLate(dataset, now) }))
    .sort((a, b) => b.daysLate - a.daysLate || a.dataset._id.localeCompare(b.dataset._id));
}

/** The open-data list is reviewed at least every six months (Decree 47 as summarised in DOMAIN.md §3). */
export const REVIEW_INTERVAL_MONTHS = 6;

/** The local day a public dataset's next review is due by: six months after its last review or first publication. */
export function reviewDue(
  dataset: Pick<DatasetState, 'lastReviewedAt' | 'firstPublishedAt'>,
  intervalMonths = REVIEW_INTERVAL_MONTHS,
): string | null {
  const since = dataset.lastReviewedAt ?? dataset.firstPublishedAt;
  return since ? addStep(localDay(since), { months: intervalMonths }) : null;
}

export function isReviewDue(
  dataset: Pick<DatasetState, 'status' | 'latestVersion' | 'lastReviewedAt' | 'firstPublishedAt'>,
  now: Date,
  intervalMonths = REVIEW_INTERVAL_MONTHS,
): boolean {
  const due = reviewDue(dataset, intervalMonths);
  return isPublic(dataset) && due !== null && due <= localDay(now);
}

/** DIC records that the six-monthly review covered a public dataset. */
export function recordReview(dataset: DatasetState, by: Actor, now: Date): Result<DatasetState> {
  if (!isDic(by)) return fail('forbidden', 'not-dic', 'only DIC records the review of the open-data list');
  if (!isPublic(dataset))
    return fail(
      'conflict',
      'not-public',
      `a ${dataset.status} dataset with no public version is not on the list`,
    );
  return ok({ ...dataset, lastReviewedAt: now, updatedAt: now });
}
