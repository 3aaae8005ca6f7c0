/** A vulnerability found by an assessment, and how it was fixed. */
export interface Finding {
  findingId: string;
  title: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  fix: { note: string; at: Date } | null;
}

/**
 * A security assessment of a data centre, information system or gateway (001 Điều 7.2, 15.1): before
 * it connects to the special-use data network, then periodically. It has passed when every finding
 * is fixed and the assessor confirmed it in writing.
 */
export interface AssessmentState {
  _id: string;
  revision: number;
  /** The agency that owns the system. */
  agency: string;
  systemId: string;
  systemName: string;
  purpose: 'pre-connection' | 'periodic';
  /** The organisation that assessed (đơn vị có chức năng đánh giá an toàn thông tin). */
  assessor: string;
  assessedAt: Date;
  findings: Finding[];
  confirmation: { ref: string; by: string; at: Date } | null;
  /** When the periodic re-check is due; set by the confirmation. */
  recheckDueAt: Date | null;
  recordedBy: string;
  recordedAt: Date;
  updatedAt: Date;
}
