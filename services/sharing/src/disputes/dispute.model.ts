import type { LegalReference } from '@openlgsp/contracts';
import type { Period } from '../common/scope.js';

/**
 * A dispute (vướng mắc) about a refused or overdue request, decided by DIC (004 Điều 15). Its id is
 * the request's: one dispute per request, and a grant it orders has that id too.
 */
export interface DisputeState {
  _id: string;
  revision: number;
  requestId: string;
  entryId: string;
  ownerAgency: string;
  requesterAgency: string;
  ground: 'refusal' | 'overdue';
  statement: string;
  status: 'open' | 'decided';
  /** What the request asked for: the ceiling of an order to share. */
  requested: { fields: string[]; period: Period; serviceId?: string };
  openedBy: string;
  openedAt: Date;
  decision: {
    outcome: 'upheld' | 'sharing-ordered';
    reasons: string;
    legalBasis: LegalReference[];
    grantId?: string;
    fields?: string[];
    validity?: Period;
    conditions?: string[];
    by: string;
    at: Date;
  } | null;
  updatedAt: Date;
}
