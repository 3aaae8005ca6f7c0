/**
 * Working days in the province's time zone (Vietnam, UTC+7, no daylight saving): Monday to Friday,
 * less the public holidays configured (the Government announces each year's days off, so the list is
 * configuration). Deadlines "within N working days" end at the close of the N-th working day after the
 * day of submission: at local midnight after it.
 */
export class WorkingCalendar {
  private readonly holidays: ReadonlySet<string>;

  constructor(
    holidays: Iterable<string>,
    private readonly utcOffsetMinutes = 7 * 60,
  ) {
    this.holidays = new Set(holidays);
  }

  /** The local calendar day (YYYY-MM-DD) of an instant. */
  localDay(at: Date): string {
    return new Date(at.getTime() + this.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  }

  isWorkingDay(day: string): boolean {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6 && !this.holidays.has(day);
  }

  /** The N-th working day after the local day of `from` (N ≥ 1), as YYYY-MM-DD. */
  nthWorkingDayAfter(from: Date, n: number): string {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive integer');
    let day = this.localDay(from);
    for (let counted = 0; counted < n;) {
      day = nextDay(day);
      if (this.isWorkingDay(day)) counted++;
    }
    return day;
  }

  /** The instant a deadline of N working days from `from` passes: the local midnight ending day N. */
  deadline(from: Date, workingDays: number): Date {
    return this.startOf(nextDay(this.nthWorkingDayAfter(from, workingDays)));
  }

  /** Working days from the local day of `from` (exclusive) to that of `to` (inclusive). */
  workingDaysBetween(from: Date, to: Date): number {
    let day = this.localDay(from);
    const last = this.localDay(to);
    let count = 0;
    while (day < last) {
      day = nextDay(day);
      if (this.isWorkingDay(day)) count++;
    }
    return count;
  }

  /** Local midnight starting a day, as an instant. */
  startOf(day: string): Date {
    return new Date(new Date(`${day}T00:00:00Z`).getTime() - this.utcOffsetMinutes * 60_000);
  }
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Days off for public holidays that fall on working days, as announced for 2025–2027 (Labour Code
 * 2019 Điều 112 and the Government's yearly Tết schedule). Deployments extend it with
 * SHARING_HOLIDAYS as each year's schedule is announced.
 */
export const VIETNAM_HOLIDAYS: readonly string[] = [
  // 2025
  '2025-01-01',
  '2025-01-27',
  '2025-01-28',
  '2025-01-29',
  '2025-01-30',
  '2025-01-31',
  '2025-04-07',
  '2025-04-30',
  '2025-05-01',
  '2025-05-02',
  '2025-09-01',
  '2025-09-02',
  // 2026
  '2026-01-01',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-04-27',
  '2026-04-30',
  '2026-05-01',
  '2026-09-01',
  '2026-09-02',
  // 2027
  '2027-01-01',
  '2027-02-04',
  '2027-02-05',
  '2027-02-08',
  '2027-02-09',
  '2027-02-10',
  '2027-04-16',
  '2027-04-30',
  '2027-05-03',
  '2027-09-02',
  '2027-09-03',
];
