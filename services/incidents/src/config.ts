import type { IncidentSeverity } from '@openlgsp/contracts';

export const SEVERITIES: readonly IncidentSeverity[] = ['critical', 'high', 'medium', 'low'];

/** A day of the year, for yearly due dates ("before 15 November"). */
export interface MonthDay {
  month: number;
  day: number;
}

/**
 * The incidents service's rule settings: the numbers the regulations leave to configuration (and the
 * ones they fix, which configuration may only shorten).
 */
export interface IncidentsConfig {
  /** Hours from a report to its triage, per severity (defaults: critical 1, high 4, medium 24, low 72). */
  acknowledgementHours: Readonly<Record<IncidentSeverity, number>>;
  /** Hours from a report to its resolution, per severity (defaults: critical 24, high 72, medium 168, low 720). */
  resolutionHours: Readonly<Record<IncidentSeverity, number>>;
  /** For the hour targets: remind when this share of the time is left (default 25 %). */
  targetReminderPercent: number;
  /** Days from discovery to the written notification (Thông tư 20/2017: 5; at most 5). */
  notificationDays: number;
  /** Days from discovery to the initial report when DIC takes the incident over (default 5, as the notification; at most 5). */
  initialReportDays: number;
  /** Days from the end of the response to the final report (Thông tư 20/2017: 5; at most 5). */
  finalReportDays: number;
  /** Days before a report's due time at which it is reminded (default 1). */
  reportReminderDays: number;
  /** Reports with the same fingerprint within this many minutes join one incident (default 60). */
  dedupWindowMinutes: number;
  /** The security report is due before this day each year (002 Điều 7.10: 15 November). */
  securityReportDue: MonthDay;
  /** The network-use report is due before this day each year (001 Điều 14.4: 1 December). */
  networkUseReportDue: MonthDay;
  /** Days before an annual report's due date at which the agency is reminded (default 14). */
  annualReminderDays: number;
  /** Months from a passed security assessment to its periodic re-check (default 12; 001 Điều 7.2.b). */
  assessmentRecheckMonths: number;
  /** How often due clocks, re-checks and annual reports are looked for (ms; default 60 000). */
  deadlineTickMs: number;
}

export const INCIDENTS_CONFIG = Symbol('INCIDENTS_CONFIG');

const DEFAULT_ACK: Record<IncidentSeverity, number> = { critical: 1, high: 4, medium: 24, low: 72 };
const DEFAULT_RESOLUTION: Record<IncidentSeverity, number> = {
  critical: 24,
  high: 72,
  medium: 168,
  low: 720,
};

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, not '${raw}'`);
  return value;
}

function monthDayFrom(env: NodeJS.ProcessEnv, name: string, fallback: MonthDay): MonthDay {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d{2})-(\d{2})$/.exec(raw);
  const month = Number(m?.[1]);
  const day = Number(m?.[2]);
  // 28 at most, so the date exists every year.
  if (!m || month < 1 || month > 12 || day < 1 || day > 28)
    throw new Error(`${name} must be a day of the year as MM-DD (day 01 to 28), not '${raw}'`);
  return { month, day };
}

function perSeverity(
  env: NodeJS.ProcessEnv,
  prefix: string,
  defaults: Record<IncidentSeverity, number>,
): Record<IncidentSeverity, number> {
  const out = {} as Record<IncidentSeverity, number>;
  for (const s of SEVERITIES) out[s] = intFrom(env, `${prefix}_${s.toUpperCase()}`, defaults[s], 1, 8760);
  // A graver incident never gets more time than a lighter one.
  for (let i = 1; i < SEVERITIES.length; i++) {
    const graver = SEVERITIES[i - 1]!;
    const lighter = SEVERITIES[i]!;
    if (out[graver] > out[lighter])
      throw new Error(`${prefix}_${graver.toUpperCase()} must not exceed ${prefix}_${lighter.toUpperCase()}`);
  }
  return out;
}

export function incidentsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IncidentsConfig {
  const acknowledgementHours = perSeverity(env, 'INCIDENTS_ACK_HOURS', DEFAULT_ACK);
  const resolutionHours = perSeverity(env, 'INCIDENTS_RESOLUTION_HOURS', DEFAULT_RESOLUTION);
  for (const s of SEVERITIES)
    if (acknowledgementHours[s] >= resolutionHours[s])
      throw new Error(
        `INCIDENTS_ACK_HOURS_${s.toUpperCase()} must be less than INCIDENTS_RESOLUTION_HOURS_${s.toUpperCase()}`,
      );
  return {
    acknowledgementHours,
    resolutionHours,
    targetReminderPercent: intFrom(env, 'INCIDENTS_TARGET_REMINDER_PERCENT', 25, 1, 90),
    // Thông tư 20/2017 fixes 5 days: configuration may shorten it, never lengthen it.
    notificationDays: intFrom(env, 'INCIDENTS_NOTIFICATION_DAYS', 5, 1, 5),
    initialReportDays: intFrom(env, 'INCIDENTS_INITIAL_REPORT_DAYS', 5, 1, 5),
    finalReportDays: intFrom(env, 'INCIDENTS_FINAL_REPORT_DAYS', 5, 1, 5),
    reportReminderDays: intFrom(env, 'INCIDENTS_REPORT_REMINDER_DAYS', 1, 0, 4),
    dedupWindowMinutes: intFrom(env, 'INCIDENTS_DEDUP_WINDOW_MINUTES', 60, 1, 10_080),
    securityReportDue: monthDayFrom(env, 'INCIDENTS_SECURITY_REPORT_DUE', { month: 11, day: 15 }),
    networkUseReportDue: monthDayFrom(env, 'INCIDENTS_NETWORK_USE_REPORT_DUE', { month: 12, day: 1 }),
    annualReminderDays: intFrom(env, 'INCIDENTS_ANNUAL_REMINDER_DAYS', 14, 1, 90),
    assessmentRecheckMonths: intFrom(env, 'INCIDENTS_ASSESSMENT_RECHECK_MONTHS', 12, 1, 36),
    deadlineTickMs: intFrom(env, 'INCIDENTS_DEADLINE_TICK_MS', 60_000, 100, 86_400_000),
  };
}
