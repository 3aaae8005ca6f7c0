import type {
  CommunityObservable,
  IncidentCategory,
  IncidentSeverity,
  TlpCommunity,
} from '@openlgsp/contracts';

/** DIC's warning of a threat to every agency (002 Điều 8.9). */
export interface WarningState {
  _id: string;
  revision: number;
  title: string;
  description: string;
  category?: IncidentCategory;
  severity: IncidentSeverity;
  /** What agencies should do to prevent or stop it. */
  measures: string;
  observables: CommunityObservable[];
  tlp: TlpCommunity;
  validUntil: Date | null;
  incidentId?: string;
  issuedBy: string;
  issuedAt: Date;
}
