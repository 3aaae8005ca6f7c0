import type {
  AffectedSystem,
  Fact,
  AttachmentReference,
  ContactOfficer,
  IncidentAssignee,
  IncidentCategory,
  IncidentSeverity,
  NetworkAccessPoint,
  Observable,
} from '@openlgsp/contracts';

/**
 * NIST SP 800-61's phases as statuses: reported → acknowledged (triage) → assigned → contained →
 * eradicated → recovered → resolved → closed; a resolved or closed incident may be reopened.
 */
export type IncidentStatus =
  | 'reported'
  | 'acknowledged'
  | 'assigned'
  | 'contained'
  | 'eradicated'
  | 'recovered'
  | 'resolved'
  | 'closed'
  | 'reopened';

/** Still being handled: reports may join it (resolved and closed ones are over). */
export const OPEN_STATUSES: readonly IncidentStatus[] = [
  'reported',
  'acknowledged',
  'assigned',
  'contained',
  'eradicated',
  'recovered',
  'reopened',
];

/** The three doors of a report (002 Điều 8.2: DIC's hotline takes reports on an agency's behalf). */
export type Door = 'agency-officer' | 'monitoring' | 'hotline';

/** The clocks: triage and resolution targets per severity; the reports of Thông tư 20/2017. */
export type ClockName = 'acknowledgement' | 'notification' | 'initial-report' | 'resolution' | 'final-report';

/** One clock, with the flags that make each of its steps happen once. */
export interface Clock {
  startedAt: Date;
  dueAt: Date;
  remindAt: Date;
  remindedAt: Date | null;
  escalatedAt: Date | null;
  /** When what it waits for happened (the incident acknowledged, the report submitted…). */
  metAt: Date | null;
}

/** What a report says, from any door. */
export interface IncidentReport {
  door: Door;
  agency: string;
  source?: string;
  sourceRef?: string;
  contact: ContactOfficer;
  category: IncidentCategory;
  severity: IncidentSeverity;
  affectedSystems: AffectedSystem[];
  accessPoint?: NetworkAccessPoint;
  detectedAt: Date;
  description: string;
  observables: Observable[];
  attachments: AttachmentReference[];
}

export type ReportKind = 'notification' | 'initial' | 'final';
export type ReportChannel = 'letter' | 'fax' | 'email' | 'electronic-document';

export interface SubmittedReport {
  kind: ReportKind;
  documentRef: string;
  channel: ReportChannel;
  by: string;
  at: Date;
}

/** One step of the incident's history: who, why, when. */
export interface Step {
  action: string;
  by: string;
  note: string;
  at: Date;
}

export interface IncidentState extends IncidentReport {
  _id: string;
  revision: number;
  /** The officer, system key or hotline staff member who reported. */
  reportedBy: string;
  /** Hotline reports: who took the call (002 Điều 8.2). */
  takenBy?: string;
  /** Canonical, each once; TLP:RED among them is only ever shown to DIC and the reporter. */
  observables: Observable[];
  fingerprint: string;
  status: IncidentStatus;
  reportedAt: Date;
  lastReportedAt: Date;
  reportCount: number;
  assignee: IncidentAssignee | null;
  cert: { name: string; reference: string; by: string; at: Date } | null;
  /** Marked for the Provincial Police (002 Điều 7.8, 9.1), who may then read it. */
  referredToPolice: boolean;
  clocks: Partial<Record<ClockName, Clock>>;
  reports: SubmittedReport[];
  history: Step[];
  updatedAt: Date;
}

/** What a rule returns: the next state and the facts (events) to emit with it, in one write. */
export interface IncidentChange {
  next: IncidentState;
  facts: Fact[];
}
