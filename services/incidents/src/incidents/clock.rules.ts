import type { IncidentSeverity } from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';
import type { IncidentsConfig } from '../config.js';
import { daysDeadline, daysMs, hours } from '../common/vietnam-time.js';
import type { Clock, ClockName, IncidentChange, IncidentState } from './incident.model.js';

/**
 * The incident's clocks. Thông tư 20/2017/TT-BTTTT counts calendar days in Vietnam's time zone: the
 * written notification to the owner and the coordinating bodies within 5 days of discovery, the
 * initial report (when the agency cannot handle the incident and DIC takes it over), and the final
 * report within 5 days after the response ends. Triage and resolution targets are hours per
 * severity (configuration), counted round the clock. Before each due time a reminder; after it, the
 * incident is escalated to DIC; each step once (remindedAt / escalatedAt are the stored flags).
 */

export type ClockConfig = Pick<
  IncidentsConfig,
  | 'acknowledgementHours'
  | 'resolutionHours'
  | 'targetReminderPercent'
  | 'notificationDays'
  | 'initialReportDays'
  | 'finalReportDays'
  | 'reportReminderDays'
>;

const clock = (startedAt: Date, dueAt: Date, remindAt: Date): Clock => ({
  startedAt,
  dueAt,
  // A reminder never comes before the clock starts.
  remindAt: remindAt < startedAt ? startedAt : remindAt,
  remindedAt: null,
  escalatedAt: null,
  metAt: null,
});

/** A target of some hours from `start`, reminded when the configured share of it is left. */
export function targetClock(start: Date, targetHours: number, reminderPercent: number): Clock {
  const total = hours(targetHours);
  const due = new Date(start.getTime() + total);
  return clock(start, due, new Date(due.getTime() - Math.round((total * reminderPercent) / 100)));
}

/** A report due by the end of the N-th day after `from`, reminded some days before. */
export function dayClock(startedAt: Date, dueAt: Date, reminderDays: number): Clock {
  return clock(startedAt, dueAt, new Date(dueAt.getTime() - daysMs(reminderDays)));
}

/** The clocks a new report starts: triage, notification (from discovery) and resolution. */
export function openingClocks(
  reportedAt: Date,
  detectedAt: Date,
  severity: IncidentSeverity,
  config: ClockConfig,
): IncidentState['clocks'] {
  return {
    acknowledgement: targetClock(
      reportedAt,
      config.acknowledgementHours[severity],
      config.targetReminderPercent,
    ),
    notification: dayClock(
      reportedAt,
      daysDeadline(detectedAt, config.notificationDays),
      config.reportReminderDays,
    ),
    resolution: targetClock(reportedAt, config.resolutionHours[severity], config.targetReminderPercent),
  };
}

/**
 * The initial report's clock, started when DIC takes the incident over. Thông tư 20/2017 counts from
 * discovery; a hand-over after that window still leaves the agency to the end of the next day, so
 * the report is asked for before it is escalated.
 */
export function initialReportClock(now: Date, detectedAt: Date, config: ClockConfig): Clock {
  const fromDiscovery = daysDeadline(detectedAt, config.initialReportDays);
  const floor = daysDeadline(now, 1);
  return dayClock(now, fromDiscovery > floor ? fromDiscovery : floor, config.reportReminderDays);
}

/** The final report's clock, started when the response ends (Thông tư 20/2017: within 5 days). */
export function finalReportClock(resolvedAt: Date, config: ClockConfig): Clock {
  return dayClock(resolvedAt, daysDeadline(resolvedAt, config.finalReportDays), config.reportReminderDays);
}

/** The clock marked met (what it waited for happened), if it runs. */
export function meet(clocks: IncidentState['clocks'], name: ClockName, at: Date): IncidentState['clocks'] {
  const c = clocks[name];
  return c && !c.metAt ? { ...clocks, [name]: { ...c, metAt: at } } : clocks;
}

export interface ClockStep {
  clock: ClockName;
  step: 'remind' | 'escalate';
  dueAt: Date;
}

const CLOCK_ORDER: readonly ClockName[] = [
  'acknowledgement',
  'notification',
  'initial-report',
  'resolution',
  'final-report',
];

/**
 * The steps due at `now`: per running clock not yet met, the escalation once past its due time, or
 * else the reminder once past its reminder time. A clock found already past due is escalated without
 * a late reminder. A closed incident has no clock steps.
 */
export function dueSteps(incident: IncidentState, now: Date): ClockStep[] {
  if (incident.status === 'closed') return [];
  const steps: ClockStep[] = [];
  for (const name of CLOCK_ORDER) {
    const c = incident.clocks[name];
    if (!c || c.metAt || c.escalatedAt) continue;
    if (c.dueAt <= now) steps.push({ clock: name, step: 'escalate', dueAt: c.dueAt });
    else if (c.remindAt <= now && !c.remindedAt) steps.push({ clock: name, step: 'remind', dueAt: c.dueAt });
  }
  return steps;
}

/** Applies one due step: sets its flag (so it happens once) and states the fact. */
export function applyClockStep(incident: IncidentState, step: ClockStep, now: Date): Result<IncidentChange> {
  const due = dueSteps(incident, now).find((s) => s.clock === step.clock && s.step === step.step);
  if (!due) return fail('conflict', 'step-not-due', `no ${step.step} of the ${step.clock} clock is due`);
  const c = incident.clocks[step.clock]!;
  const flagged: Clock =
    step.step === 'remind'
      ? { ...c, remindedAt: now }
      : // The escalation also settles the reminder: it will not come after it.
        { ...c, escalatedAt: now, remindedAt: c.remindedAt ?? now };
  const next: IncidentState = {
    ...incident,
    clocks: { ...incident.clocks, [step.clock]: flagged },
    updatedAt: now,
  };
  const data = {
    incidentId: incident._id,
    agency: incident.agency,
    clock: step.clock,
    dueAt: c.dueAt.toISOString(),
  };
  return ok({
    next,
    facts: [
      step.step === 'remind'
        ? { type: 'vn.openlgsp.incidents.deadline.reminded.v1', data }
        : { type: 'vn.openlgsp.incidents.deadline.escalated.v1', data },
    ],
  });
}

/** The earliest instant at which a step of this incident becomes due (for the store's index). */
export function nextStepAt(incident: IncidentState): Date | null {
  if (incident.status === 'closed') return null;
  let next: Date | null = null;
  for (const c of Object.values(incident.clocks)) {
    if (!c || c.metAt || c.escalatedAt) continue;
    const at = c.remindedAt ? c.dueAt : c.remindAt;
    if (!next || at < next) next = at;
  }
  return next;
}
