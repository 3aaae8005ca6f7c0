/**
 * A provider's demand that a grant holder report how it uses the data, when misuse is suspected
 * (004 Điều 13.1.g). open → answered; an open demand past its due date is flagged to DIC once.
 */
export interface UsageDemandState {
  _id: string;
  revision: number;
  grantId: string;
  entryId: string;
  ownerAgency: string;
  holderAgency: string;
  reason: string;
  dueAt: Date;
  status: 'open' | 'answered';
  demandedBy: string;
  demandedAt: Date;
  report: {
    summary: string;
    requests?: number;
    period?: { from: Date; until: Date };
    by: string;
    at: Date;
  } | null;
  flaggedAt: Date | null;
  updatedAt: Date;
}
