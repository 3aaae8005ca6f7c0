/**
 * security: the yearly information-security report, before 15 November (002 Điều 7.10);
 * network-use: the yearly report on the use of the special-use data network, before 1 December
 * (001 Điều 14.4).
 */
export type AnnualReportKind = 'security' | 'network-use';

/** One agency's report of one kind for one year: expected, reminded, submitted or overdue. */
export interface AnnualReportState {
  /** `<kind>:<agency>:<year>`, so the store finds and creates it by `_id`, once. */
  _id: string;
  revision: number;
  agency: string;
  kind: AnnualReportKind;
  year: number;
  /** Due before this instant (local midnight starting the due day). */
  dueAt: Date;
  remindAt: Date;
  remindedAt: Date | null;
  overdueAt: Date | null;
  submission: { documentRef: string; by: string; at: Date; late: boolean } | null;
  updatedAt: Date;
}
