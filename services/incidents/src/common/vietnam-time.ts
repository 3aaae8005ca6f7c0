/**
 * Days in the province's time zone (Asia/Ho_Chi_Minh: UTC+7, no daylight saving). A rule that says
 * "within N days of X" ends at the local midnight closing the N-th calendar day after X's day; the
 * same convention as sharing's working-day calendar (services/sharing/src/calendar), for calendar days.
 */
export const VIETNAM_UTC_OFFSET_MINUTES = 7 * 60;
const OFFSET_MS = VIETNAM_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

/** The local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Local midnight starting a day (YYYY-MM-DD), as an instant. */
export function startOfLocalDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The instant "within N days of `from`" passes: the local midnight ending the N-th day after its day. */
export function daysDeadline(from: Date, days: number): Date {
  return startOfLocalDay(addDays(localDay(from), days + 1));
}

/** The local day `months` later (31 January + 1 month = 28 or 29 February). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Local midnight starting `month`/`day` of `year`. */
export function localDate(year: number, month: number, day: number): Date {
  return startOfLocalDay(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}

export const hours = (n: number): number => n * 3_600_000;
export const daysMs = (n: number): number => n * DAY_MS;
