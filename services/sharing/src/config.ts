import { VIETNAM_HOLIDAYS, WorkingCalendar } from './calendar/working-calendar.js';

/** The sharing service's rule settings (DOMAIN.md §2: numbers the regulations leave to configuration). */
export interface SharingConfig {
  /** Working days a provider has to answer a request (default 10). */
  answerWorkingDays: number;
  /** Working days before the due date at which the provider is reminded (default 2). */
  reminderWorkingDays: number;
  /** Working days a grant holder has to answer a usage-report demand (default 10). */
  usageReportWorkingDays: number;
  /** Working days' notice of a planned suspension (Decree 47 Điều 43: at least 7). */
  plannedNoticeWorkingDays: number;
  /** How often due deadlines are looked for (ms). */
  deadlineTickMs: number;
  calendar: WorkingCalendar;
}

export const SHARING_CONFIG = Symbol('SHARING_CONFIG');

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, not '${raw}'`);
  return value;
}

export function sharingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SharingConfig {
  const extra = (env.SHARING_HOLIDAYS ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const bad = extra.find((d) => !ISO_DAY.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)));
  if (bad) throw new Error(`SHARING_HOLIDAYS must list days as YYYY-MM-DD, not '${bad}'`);
  const builtIn = env.SHARING_HOLIDAYS_BUILT_IN === 'false' ? [] : VIETNAM_HOLIDAYS;
  const answerWorkingDays = intFrom(env, 'SHARING_ANSWER_WORKING_DAYS', 10, 1, 60);
  return {
    answerWorkingDays,
    reminderWorkingDays: intFrom(env, 'SHARING_REMINDER_WORKING_DAYS', 2, 1, 30),
    usageReportWorkingDays: intFrom(env, 'SHARING_USAGE_REPORT_WORKING_DAYS', 10, 1, 60),
    // The decree's minimum is a floor, never lowered by configuration.
    plannedNoticeWorkingDays: intFrom(env, 'SHARING_PLANNED_NOTICE_WORKING_DAYS', 7, 7, 60),
    deadlineTickMs: intFrom(env, 'SHARING_DEADLINE_TICK_MS', 30_000, 50, 3_600_000),
    calendar: new WorkingCalendar([...builtIn, ...extra]),
  };
}
