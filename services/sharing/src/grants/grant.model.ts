import type { Period } from '../common/scope.js';

/** active ⇄ suspended; → terminated (before its time) or → expired (by time). */
export type GrantStatus = 'active' | 'suspended' | 'terminated' | 'expired';
export type GrantOrigin = 'approval' | 'dispute' | 'default';
export type SuspensionCause = 'breach' | 'security-risk' | 'planned-suspension';
export type TerminationCause = 'provider' | 'entry-withdrawn' | 'service-retired';

/**
 * A consumer agency's right to use an entry's data within a scope until an expiry. Its id is the id
 * of the request it answers: a request yields at most one grant, whichever way it was decided.
 */
export interface GrantState {
  _id: string;
  revision: number;
  origin: GrantOrigin;
  requestId: string;
  disputeId?: string;
  entryId: string;
  serviceId?: string;
  ownerAgency: string;
  holderAgency: string;
  fields: string[];
  validity: Period;
  conditions: string[];
  status: GrantStatus;
  suspension: {
    cause: SuspensionCause;
    reason: string;
    suspensionId?: string;
    until?: Date;
    at: Date;
  } | null;
  ended: { cause: TerminationCause | 'expired'; reason: string; at: Date } | null;
  issuedAt: Date;
  updatedAt: Date;
}
