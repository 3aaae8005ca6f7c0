import type { ContactOfficer, DataSubject, LegalReference, ThirdParty } from '@openlgsp/contracts';
import type { Period } from '../common/scope.js';

/** submitted → under-review → approved | refused; withdrawn by the requester before a decision. */
export type RequestStatus = 'submitted' | 'under-review' | 'approved' | 'refused' | 'withdrawn';
export const OPEN_STATUSES: readonly RequestStatus[] = ['submitted', 'under-review'];

export interface RequestDetails {
  entryId: string;
  serviceId?: string;
  purpose: string;
  fields: string[];
  legalBasis: LegalReference[];
  period: Period;
  thirdParty?: ThirdParty;
  contact: ContactOfficer;
  dataSubject?: DataSubject;
}

export type RequestDecision =
  | {
      outcome: 'approved';
      grantId: string;
      fields: string[];
      validity: Period;
      conditions: string[];
      automatic: boolean;
      by: string;
      at: Date;
    }
  | { outcome: 'refused'; reasons: string; legalBasis: LegalReference[]; by: string; at: Date };

/** A consumer agency's request for another agency's data (Decree 47 Điều 37–39; 000 Điều 7). */
export interface RequestState extends RequestDetails {
  _id: string;
  revision: number;
  ownerAgency: string;
  requesterAgency: string;
  requestedBy: string;
  /** request: the provider decides; default: the entry is default-shared and was granted at once. */
  mode: 'request' | 'default';
  status: RequestStatus;
  submittedAt: Date;
  /** Deadlines in working days; none for default sharing. */
  dueAt: Date | null;
  reminderAt: Date | null;
  remindedAt: Date | null;
  escalatedAt: Date | null;
  decision: RequestDecision | null;
  withdrawal: { reason?: string; at: Date } | null;
  updatedAt: Date;
}
