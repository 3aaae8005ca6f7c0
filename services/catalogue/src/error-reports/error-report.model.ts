/** A consumer's report of an error in shared data, to the owner (000 Điều 7.2.đ; 004 Điều 14.2.c). */
export type ErrorReportStatus = 'open' | 'acknowledged' | 'corrected';

export interface ErrorReportState {
  _id: string;
  revision: number;
  entryId: string;
  ownerAgency: string;
  reporterAgency: string;
  reportedBy: string;
  field?: string;
  description: string;
  recordRef?: string;
  status: ErrorReportStatus;
  acknowledgement: { note?: string; at: Date; by: string } | null;
  correction: { text: string; at: Date; by: string } | null;
  openedAt: Date;
  updatedAt: Date;
}
