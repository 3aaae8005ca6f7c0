/**
 * A planned suspension of a service for all its consumers (upgrade, maintenance), announced at least
 * 7 working days ahead with the expected restoration time (Decree 47 Điều 43).
 * announced → in-effect → restored; announced → cancelled.
 */
export interface PlannedSuspensionState {
  _id: string;
  revision: number;
  serviceId: string;
  entryId: string;
  ownerAgency: string;
  reason: string;
  startsAt: Date;
  expectedRestorationAt: Date;
  status: 'announced' | 'in-effect' | 'restored' | 'cancelled';
  announcedBy: string;
  announcedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Whether the service's grants have been suspended / resumed for it (done after the state change, idempotently). */
  grantsSuspended: boolean;
  grantsResumed: boolean;
  updatedAt: Date;
}
