import type { EntryContent } from '@openlgsp/contracts';

/** Where a catalogue entry stands (danh mục CSDL dùng chung). */
export type EntryStatus = 'proposed' | 'listed' | 'rejected' | 'withdrawn';
export type ProposalKind = 'add' | 'amend' | 'withdraw';
export type AssessmentOutcome = 'pass' | 'partial' | 'fail';

/** What the owner submits: Decree 47 Điều 12.2's contents plus the state-secret declaration. */
export interface ProposedContent extends EntryContent {
  /** 000 Điều 1.2: data with state secrets is never catalogued; declared by the owner. */
  containsStateSecrets: boolean;
}

/** An open proposal on an entry (004 Điều 4.2): the owner proposes, DIC compiles, the Committee decides. */
export interface OpenProposal {
  id: string;
  kind: ProposalKind;
  justification: string;
  content?: EntryContent;
  status: 'submitted' | 'compiled';
  submittedBy: { agency: string; sub: string };
  submittedAt: Date;
  compiledAt?: Date;
  compiledNote?: string;
}

export interface ClosedProposal {
  id: string;
  kind: ProposalKind;
  outcome: 'approved' | 'rejected';
  justification: string;
  reason?: string;
  decisionRef?: string;
  decidedAt: Date;
  decidedBy: string;
}

export interface Assessment {
  id: string;
  year: number;
  assessedAt: Date;
  results: Record<AssessmentArea, { outcome: AssessmentOutcome; note?: string }>;
  overall: AssessmentOutcome;
  assessedBy: string;
}

/** Decree 47 Điều 16's annual check. */
export const ASSESSMENT_AREAS = [
  'inventory',
  'standardsConformance',
  'accuracy',
  'integrity',
  'abnormalData',
  'maintenance',
] as const;
export type AssessmentArea = (typeof ASSESSMENT_AREAS)[number];

export type ReviewOutcome = 'keep-default' | 'move-to-default' | 'keep-request';

export interface EntryState {
  _id: string;
  revision: number;
  status: EntryStatus;
  /** The approved content; for a proposed addition, what is proposed. */
  content: EntryContent;
  ownerAgency: string;
  proposal: OpenProposal | null;
  decisions: ClosedProposal[];
  assessments: Assessment[];
  lastAssessedAt: Date | null;
  lastReviewedAt: Date | null;
  listedAt: Date | null;
  withdrawnAt: Date | null;
  /** Lower-case, diacritic-free text for search (FerretDB v1 has no text index). */
  searchText: string;
  createdAt: Date;
  updatedAt: Date;
}
