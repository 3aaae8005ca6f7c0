import type {
  AlertRaisedV1,
  Fact,
  IncidentAssignee,
  IncidentCategory,
  IncidentObservable,
  IncidentSeverity,
  Observable,
} from '@openlgsp/contracts';
import { fail, ok, type Result } from '@openlgsp/domain';
import { actsForAgency, checkNote, forbidden, isDic, type Actor } from '../common/actor.js';
import {
  finalReportClock,
  initialReportClock,
  meet,
  openingClocks,
  targetClock,
  type ClockConfig,
} from './clock.rules.js';
import { fingerprintOf } from './dedup.rules.js';
import {
  OPEN_STATUSES,
  type IncidentChange,
  type IncidentReport,
  type IncidentState,
  type IncidentStatus,
  type ReportChannel,
  type ReportKind,
} from './incident.model.js';
import { canonicalObservables, narrower, observableKey } from './observable.rules.js';

/** The contracts' bound on observables per incident (common.json#/$defs/observableList). */
export const MAX_OBSERVABLES = 500;
const C20 = 'Thông tư 20/2017/TT-BTTTT';

/** Incident events never carry TLP:RED observables: they are counted instead (DIC and the reporter see them in the store). */
export function releasable(observables: readonly Observable[]): {
  observables: IncidentObservable[];
  withheld: number;
} {
  const shown = observables.filter((o): o is IncidentObservable => o.tlp !== 'RED');
  return { observables: shown, withheld: observables.length - shown.length };
}

/** Who may take a report through each door (002 Điều 7.5, 8.2, 12.2.b). */
function mayReport(report: IncidentReport, by: Actor): Result<true> {
  switch (report.door) {
    case 'agency-officer':
      return actsForAgency(by, report.agency)
        ? ok(true)
        : forbidden(
            'not-agency-officer',
            `only an officer of ${report.agency} reports its incidents`,
            '002 Điều 7.5',
          );
    case 'monitoring':
      return by.agency === report.agency && by.roles.includes('integrator')
        ? ok(true)
        : forbidden('not-agency-system', `only a system of ${report.agency} raises its alerts`);
    case 'hotline':
      return isDic(by)
        ? ok(true)
        : forbidden('not-hotline', "only DIC's hotline staff report on an agency's behalf", '002 Điều 8.2');
  }
}

/**
 * The report a monitoring system's alert makes (intake `alert.raised`): the agency is the one of the
 * subject it arrived on and the source the CloudEvent's, never fields of the data.
 */
export function reportFromAlert(
  alert: AlertRaisedV1,
  arrival: { agency: string; source: string },
): IncidentReport {
  return {
    door: 'monitoring',
    agency: arrival.agency,
    source: arrival.source,
    sourceRef: alert.sourceRef,
    contact: alert.contact,
    category: alert.category,
    severity: alert.severity,
    affectedSystems: alert.affectedSystems ?? [],
    ...(alert.accessPoint ? { accessPoint: alert.accessPoint } : {}),
    detectedAt: new Date(alert.detectedAt),
    description: alert.description,
    observables: alert.observables,
    attachments: alert.attachments ?? [],
  };
}

/**
 * A report opens an incident: observables checked and canonical, the fingerprint taken, the clocks
 * started. Whether it should join an open incident instead is decided before (dedup.rules.ts).
 */
export function report(
  incidentId: string,
  input: IncidentReport,
  by: Actor,
  now: Date,
  config: ClockConfig,
): Result<IncidentChange> {
  const may = mayReport(input, by);
  if (!may.ok) return may;
  if (input.detectedAt > now)
    return fail('invalid', 'detected-in-future', 'an incident is reported after it is discovered', {
      path: '/detectedAt',
    });
  if (Boolean(input.source) !== Boolean(input.sourceRef))
    return fail('invalid', 'source-pair', 'a source and its reference come together', {
      path: input.source ? '/sourceRef' : '/source',
    });
  const observables = canonicalObservables(input.observables);
  if (!observables.ok) return observables;
  const next: IncidentState = {
    ...input,
    _id: incidentId,
    revision: 1,
    reportedBy: by.sub,
    ...(input.door === 'hotline' ? { takenBy: by.sub } : {}),
    observables: observables.value,
    fingerprint: fingerprintOf({ ...input, observables: observables.value }),
    status: 'reported',
    reportedAt: now,
    lastReportedAt: now,
    reportCount: 1,
    assignee: null,
    cert: null,
    referredToPolice: false,
    clocks: openingClocks(now, input.detectedAt, input.severity, config),
    reports: [],
    history: [{ action: 'reported', by: by.sub, note: `reported via ${input.door}`, at: now }],
    updatedAt: now,
  };
  const shown = releasable(next.observables);
  const { acknowledgement, notification, resolution } = next.clocks;
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.reported.v1',
        data: {
          incidentId,
          agency: next.agency,
          door: next.door,
          reportedBy: next.reportedBy,
          ...(next.takenBy ? { takenBy: next.takenBy } : {}),
          ...(next.source ? { source: next.source, sourceRef: next.sourceRef } : {}),
          contact: next.contact,
          category: next.category,
          severity: next.severity,
          affectedSystems: next.affectedSystems,
          ...(next.accessPoint ? { accessPoint: next.accessPoint } : {}),
          detectedAt: next.detectedAt.toISOString(),
          description: next.description,
          observables: shown.observables,
          withheldObservables: shown.withheld,
          attachments: next.attachments,
          acknowledgementDueAt: acknowledgement!.dueAt.toISOString(),
          notificationDueAt: notification!.dueAt.toISOString(),
          resolutionDueAt: resolution!.dueAt.toISOString(),
        },
      },
    ],
  });
}

/**
 * A duplicate report joins the incident (dedup.rules.ts decided it): new observables are added (the
 * narrower marking wins for one already there, up to the contracts' bound), the count goes up.
 */
export function join(
  incident: IncidentState,
  input: IncidentReport,
  matchedBy: 'source' | 'fingerprint',
  by: Actor,
  now: Date,
): Result<IncidentChange> {
  const may = mayReport(input, by);
  if (!may.ok) return may;
  if (input.agency !== incident.agency)
    return fail('conflict', 'other-agency', 'a report joins only an incident of its own agency');
  if (!OPEN_STATUSES.includes(incident.status))
    return fail('conflict', 'incident-over', `incident is ${incident.status}; the report opens a new one`);
  const observables = canonicalObservables(input.observables);
  if (!observables.ok) return observables;
  const merged = new Map(incident.observables.map((o) => [observableKey(o), o]));
  const added: Observable[] = [];
  for (const o of observables.value) {
    const key = observableKey(o);
    const seen = merged.get(key);
    if (seen) merged.set(key, { ...seen, tlp: narrower(seen.tlp, o.tlp) });
    else if (merged.size < MAX_OBSERVABLES) {
      merged.set(key, o);
      added.push(o);
    }
  }
  const next: IncidentState = {
    ...incident,
    observables: [...merged.values()],
    reportCount: incident.reportCount + 1,
    lastReportedAt: now,
    updatedAt: now,
  };
  const shown = releasable(added);
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.joined.v1',
        data: {
          incidentId: incident._id,
          agency: incident.agency,
          door: input.door,
          reportedBy: by.sub,
          ...(input.source ? { source: input.source, sourceRef: input.sourceRef } : {}),
          matchedBy,
          reportCount: next.reportCount,
          observablesAdded: shown.observables,
          withheldObservables: shown.withheld,
        },
      },
    ],
  });
}

/** DIC responders and the agency's own officers handle an incident (002 Điều 7.5, 8.2). */
function mayHandle(incident: IncidentState, by: Actor): Result<true> {
  return isDic(by) || actsForAgency(by, incident.agency)
    ? ok(true)
    : forbidden('not-handler', `only DIC or ${incident.agency} handles this incident`, '002 Điều 7.5, 8.2');
}

function step(
  incident: IncidentState,
  status: IncidentStatus,
  action: string,
  note: string,
  by: Actor,
  now: Date,
  changes: Partial<IncidentState> = {},
): IncidentState {
  return {
    ...incident,
    ...changes,
    status,
    history: [...incident.history, { action, by: by.sub, note, at: now }],
    updatedAt: now,
  };
}

const who = (i: IncidentState, by: Actor, note: string) => ({
  incidentId: i._id,
  agency: i.agency,
  by: by.sub,
  note,
});

/** Triage (NIST SP 800-61: detection and analysis): the category and severity may be revised. */
export function acknowledge(
  incident: IncidentState,
  input: { note: string; category?: IncidentCategory; severity?: IncidentSeverity },
  by: Actor,
  now: Date,
  config: ClockConfig,
): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  const bad = checkNote<IncidentChange>(input.note, '/note');
  if (bad) return bad;
  if (incident.status !== 'reported')
    return fail('conflict', 'already-acknowledged', `incident is ${incident.status}`);
  const category = input.category ?? incident.category;
  const severity = input.severity ?? incident.severity;
  let clocks = meet(incident.clocks, 'acknowledgement', now);
  // A revised severity moves the resolution target, still counted from the report.
  if (severity !== incident.severity)
    clocks = {
      ...clocks,
      resolution: targetClock(
        incident.reportedAt,
        config.resolutionHours[severity],
        config.targetReminderPercent,
      ),
    };
  const next = step(incident, 'acknowledged', 'acknowledged', input.note, by, now, {
    category,
    severity,
    clocks,
  });
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.acknowledged.v1',
        data: {
          ...who(incident, by, input.note),
          category,
          severity,
          resolutionDueAt: clocks.resolution!.dueAt.toISOString(),
        },
      },
    ],
  });
}

const ASSIGNABLE: readonly IncidentStatus[] = [
  'acknowledged',
  'reopened',
  'assigned',
  'contained',
  'eradicated',
  'recovered',
];

/**
 * Assigned to a DIC responder, the agency's IT unit or the telecom provider (001 Điều 16.2; 002 Điều
 * 11.2.b). Reassigning mid-response keeps the phase. When DIC takes it over — the agency cannot
 * handle it (002 Điều 7.5) — the initial incident report becomes due (Thông tư 20/2017).
 */
export function assign(
  incident: IncidentState,
  input: { assignee: IncidentAssignee; note: string },
  by: Actor,
  now: Date,
  config: ClockConfig,
): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  const bad = checkNote<IncidentChange>(input.note, '/note');
  if (bad) return bad;
  if (incident.status === 'reported')
    return fail('conflict', 'not-acknowledged', 'an incident is triaged before it is assigned');
  if (!ASSIGNABLE.includes(incident.status))
    return fail('conflict', 'incident-over', `incident is ${incident.status}`);
  const startsInitialReport = input.assignee.kind === 'dic' && !incident.clocks['initial-report'];
  const clocks = startsInitialReport
    ? { ...incident.clocks, 'initial-report': initialReportClock(now, incident.detectedAt, config) }
    : incident.clocks;
  const status = ['acknowledged', 'reopened'].includes(incident.status) ? 'assigned' : incident.status;
  const next = step(incident, status, 'assigned', input.note, by, now, { assignee: input.assignee, clocks });
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.assigned.v1',
        data: {
          ...who(incident, by, input.note),
          assignee: input.assignee,
          ...(startsInitialReport
            ? { initialReportDueAt: clocks['initial-report']!.dueAt.toISOString() }
            : {}),
        },
      },
    ],
  });
}

/** The response phases in order; a phase with nothing to do (an outage has nothing to eradicate) may be passed over. */
const PHASES = ['assigned', 'contained', 'eradicated', 'recovered', 'resolved'] as const;
type Phase = 'contained' | 'eradicated' | 'recovered' | 'resolved';

function advance(
  incident: IncidentState,
  phase: Phase,
  note: string,
  by: Actor,
  now: Date,
  config: ClockConfig,
): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  const bad = checkNote<IncidentChange>(note, '/note');
  if (bad) return bad;
  const from = PHASES.indexOf(incident.status as (typeof PHASES)[number]);
  if (from < 0 || from >= PHASES.indexOf(phase))
    return fail(
      'conflict',
      'phase-order',
      incident.status === 'reported' || incident.status === 'acknowledged' || incident.status === 'reopened'
        ? `incident is ${incident.status}; it is assigned before the response starts`
        : `incident is ${incident.status}; it cannot become ${phase}`,
    );
  const data = who(incident, by, note);
  if (phase !== 'resolved') {
    const next = step(incident, phase, phase, note, by, now);
    const fact: Fact =
      phase === 'contained'
        ? { type: 'vn.openlgsp.incidents.incident.contained.v1', data }
        : phase === 'eradicated'
          ? { type: 'vn.openlgsp.incidents.incident.eradicated.v1', data }
          : { type: 'vn.openlgsp.incidents.incident.recovered.v1', data };
    return ok({ next, facts: [fact] });
  }
  const clocks = {
    ...meet(incident.clocks, 'resolution', now),
    'final-report': finalReportClock(now, config),
  };
  const next = step(incident, 'resolved', 'resolved', note, by, now, { clocks });
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.resolved.v1',
        data: { ...data, finalReportDueAt: clocks['final-report'].dueAt.toISOString() },
      },
    ],
  });
}

export const contain = (i: IncidentState, note: string, by: Actor, now: Date, c: ClockConfig) =>
  advance(i, 'contained', note, by, now, c);
export const eradicate = (i: IncidentState, note: string, by: Actor, now: Date, c: ClockConfig) =>
  advance(i, 'eradicated', note, by, now, c);
export const recover = (i: IncidentState, note: string, by: Actor, now: Date, c: ClockConfig) =>
  advance(i, 'recovered', note, by, now, c);
/** The response ends (Thông tư 20/2017): the final report is due within 5 days. */
export const resolve = (i: IncidentState, note: string, by: Actor, now: Date, c: ClockConfig) =>
  advance(i, 'resolved', note, by, now, c);

const REPORT_CLOCK = {
  notification: 'notification',
  initial: 'initial-report',
  final: 'final-report',
} as const;

/**
 * A report of Thông tư 20/2017 is in: the notification to the owner and the coordinating bodies (by
 * letter, fax, e-mail or electronic document), the initial report, or the final report (only once
 * the response has ended).
 */
export function submitReport(
  incident: IncidentState,
  input: { kind: ReportKind; documentRef: string; channel: ReportChannel },
  by: Actor,
  now: Date,
): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  if (!input.documentRef.trim())
    return fail('invalid', 'document-required', 'a report names its document', { path: '/documentRef' });
  if (incident.status === 'closed') return fail('conflict', 'incident-closed', 'incident is closed');
  if (input.kind === 'final' && incident.status !== 'resolved')
    return fail('conflict', 'response-not-ended', 'the final report follows the end of the response', {
      source: C20,
    });
  const next: IncidentState = {
    ...incident,
    clocks: meet(incident.clocks, REPORT_CLOCK[input.kind], now),
    reports: [...incident.reports, { ...input, by: by.sub, at: now }],
    history: [
      ...incident.history,
      { action: `${input.kind}-report`, by: by.sub, note: input.documentRef, at: now },
    ],
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.report.submitted.v1',
        data: { incidentId: incident._id, agency: incident.agency, ...input, by: by.sub },
      },
    ],
  });
}

/** The response counts as finished only when the final report is in (Thông tư 20/2017). */
export function close(incident: IncidentState, note: string, by: Actor, now: Date): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  const bad = checkNote<IncidentChange>(note, '/note');
  if (bad) return bad;
  if (incident.status !== 'resolved')
    return fail(
      'conflict',
      'not-resolved',
      `incident is ${incident.status}; it is resolved before it is closed`,
    );
  const finalClock = incident.clocks['final-report'];
  const final = incident.reports.findLast((r) => r.kind === 'final');
  if (!finalClock?.metAt || !final)
    return fail(
      'conflict',
      'final-report-missing',
      'the final report is submitted before the incident is closed',
      {
        source: C20,
      },
    );
  const next = step(incident, 'closed', 'closed', note, by, now);
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.closed.v1',
        data: { ...who(incident, by, note), finalReportRef: final.documentRef },
      },
    ],
  });
}

/** A resolved or closed incident is reopened with a reason; resolution runs again, a new final report will be due. */
export function reopen(
  incident: IncidentState,
  note: string,
  by: Actor,
  now: Date,
  config: ClockConfig,
): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  const bad = checkNote<IncidentChange>(note, '/note');
  if (bad) return bad;
  if (incident.status !== 'resolved' && incident.status !== 'closed')
    return fail(
      'conflict',
      'not-over',
      `incident is ${incident.status}; only a resolved or closed one is reopened`,
    );
  const { 'final-report': _final, ...running } = incident.clocks;
  const clocks = {
    ...running,
    resolution: targetClock(now, config.resolutionHours[incident.severity], config.targetReminderPercent),
  };
  const next = step(incident, 'reopened', 'reopened', note, by, now, { clocks });
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.reopened.v1',
        data: { ...who(incident, by, note), resolutionDueAt: clocks.resolution.dueAt.toISOString() },
      },
    ],
  });
}

/** DIC, the provincial focal point, escalates to the national CERT and records its reference (002 Điều 8.8). */
export function escalateToCert(
  incident: IncidentState,
  input: { cert: string; reference: string; note: string },
  by: Actor,
  now: Date,
): Result<IncidentChange> {
  if (!isDic(by))
    return forbidden(
      'not-dic',
      'DIC, the provincial focal point, coordinates with the national CERT',
      '002 Điều 8.8',
    );
  const bad = checkNote<IncidentChange>(input.note, '/note');
  if (bad) return bad;
  if (!input.cert.trim() || !input.reference.trim())
    return fail('invalid', 'cert-reference-required', 'name the CERT and its reference for the case', {
      path: input.cert.trim() ? '/reference' : '/cert',
    });
  if (incident.status === 'closed') return fail('conflict', 'incident-closed', 'incident is closed');
  if (incident.cert)
    return fail(
      'conflict',
      'already-escalated',
      `incident was escalated to ${incident.cert.name} (${incident.cert.reference})`,
    );
  const cert = { name: input.cert, reference: input.reference, by: by.sub, at: now };
  const next = step(incident, incident.status, 'escalated-to-cert', input.note, by, now, { cert });
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.incidents.incident.escalated-to-cert.v1',
        data: { ...who(incident, by, input.note), cert: input.cert, certReference: input.reference },
      },
    ],
  });
}

/** Marked for the Provincial Police, who may then read it (002 Điều 7.8: agencies work with the police; 9.1). */
export function referToPolice(
  incident: IncidentState,
  note: string,
  by: Actor,
  now: Date,
): Result<IncidentChange> {
  const may = mayHandle(incident, by);
  if (!may.ok) return may;
  const bad = checkNote<IncidentChange>(note, '/note');
  if (bad) return bad;
  if (incident.referredToPolice)
    return fail('conflict', 'already-referred', 'incident is already referred to the police');
  const next = step(incident, incident.status, 'referred-to-police', note, by, now, {
    referredToPolice: true,
  });
  return ok({
    next,
    facts: [{ type: 'vn.openlgsp.incidents.incident.referred-to-police.v1', data: who(incident, by, note) }],
  });
}
