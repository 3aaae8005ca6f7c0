import { hasRole } from '@openlgsp/auth';
import { fail, ok, type Result, type Change, type Actor } from '@openlgsp/domain';
import type { EntryContent } from '@openlgsp/contracts';
import { searchable } from '../search/text.js';
import type { Fact } from '@openlgsp/contracts';
import {
  ASSESSMENT_AREAS,
  type Assessment,
  type AssessmentOutcome,
  type ClosedProposal,
  type EntryState,
  type ProposalKind,
  type ProposedContent,
  type ReviewOutcome,
} from './entry.model.js';

/**
 * An officer of the agency (role provider), not one of its systems: 004 Điều 4.2 has the owning
 * agency propose, through its people.
 */
export const isProviderOfficerOf = (by: Actor, agency: string) =>
  by.agency === agency && by.roles.includes('provider');
const DAY_MS = 24 * 60 * 60 * 1000;

/** 000 Điều 1.2: data containing state secrets is out of scope, refused before anything is written. */
function refuseStateSecrets(content: ProposedContent): Result<EntryContent> {
  if (content.containsStateSecrets)
    return fail(
      'invalid',
      'state-secret',
      'data containing state secrets may not be catalogued for sharing',
      { path: '/content/containsStateSecrets', source: '000 Điều 1.2' },
    );
  const { containsStateSecrets: _secret, ...rest } = content;
  const names = new Set<string>();
  for (const [i, field] of rest.dataFields.entries()) {
    if (names.has(field.name))
      return fail('invalid', 'duplicate-field', `data field '${field.name}' is listed twice`, {
        path: `/content/dataFields/${i}/name`,
      });
    names.add(field.name);
  }
  return ok(rest);
}

export function proposeAddition(
  input: { entryId: string; proposalId: string; content: ProposedContent; justification: string },
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!isProviderOfficerOf(by, input.content.ownerAgency))
    return fail(
      'forbidden',
      'not-owner',
      `only a provider of ${input.content.ownerAgency} may propose its databases`,
      {
        source: '004 Điều 4.2',
      },
    );
  const content = refuseStateSecrets(input.content);
  if (!content.ok) return content;
  const next: EntryState = {
    _id: input.entryId,
    revision: 1,
    status: 'proposed',
    content: content.value,
    ownerAgency: content.value.ownerAgency,
    proposal: {
      id: input.proposalId,
      kind: 'add',
      justification: input.justification,
      content: content.value,
      status: 'submitted',
      submittedBy: { agency: by.agency, sub: by.sub },
      submittedAt: now,
    },
    decisions: [],
    assessments: [],
    lastAssessedAt: null,
    lastReviewedAt: null,
    listedAt: null,
    withdrawnAt: null,
    searchText: searchable(
      content.value.name,
      content.value.purpose,
      content.value.scope,
      content.value.sector,
    ),
    createdAt: now,
    updatedAt: now,
  };
  return ok({ next, facts: [submitted(next, 'add', input.justification, content.value)] });
}

/** An owner proposes to amend (new content) or withdraw a listed entry. One open proposal at a time. */
export function proposeChange(
  entry: EntryState,
  input: {
    proposalId: string;
    kind: Exclude<ProposalKind, 'add'>;
    justification: string;
    content?: ProposedContent;
  },
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!isProviderOfficerOf(by, entry.ownerAgency))
    return fail(
      'forbidden',
      'not-owner',
      `only a provider of ${entry.ownerAgency} may propose changes to this entry`,
      {
        source: '004 Điều 4.2',
      },
    );
  if (entry.status !== 'listed')
    return fail(
      'conflict',
      'not-listed',
      `entry is ${entry.status}; only a listed entry can be amended or withdrawn`,
    );
  if (entry.proposal)
    return fail('conflict', 'proposal-open', `proposal ${entry.proposal.id} is still open on this entry`);
  let content: EntryContent | undefined;
  if (input.kind === 'amend') {
    if (!input.content)
      return fail('invalid', 'content-required', 'an amendment carries the amended content', {
        path: '/content',
      });
    const checked = refuseStateSecrets(input.content);
    if (!checked.ok) return checked;
    if (checked.value.ownerAgency !== entry.ownerAgency)
      return fail(
        'invalid',
        'owner-change',
        'an amendment cannot change the owning agency; withdraw and propose anew',
        {
          path: '/content/ownerAgency',
        },
      );
    content = checked.value;
  } else if (input.content) {
    return fail('invalid', 'content-not-allowed', 'a withdrawal carries no content', { path: '/content' });
  }
  const next: EntryState = {
    ...entry,
    proposal: {
      id: input.proposalId,
      kind: input.kind,
      justification: input.justification,
      ...(content ? { content } : {}),
      status: 'submitted',
      submittedBy: { agency: by.agency, sub: by.sub },
      submittedAt: now,
    },
    updatedAt: now,
  };
  return ok({ next, facts: [submitted(next, input.kind, input.justification, content)] });
}

/** DIC compiles a submitted proposal for the People's Committee. */
export function compile(
  entry: EntryState,
  proposalId: string,
  note: string | undefined,
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!by.roles.includes('dic'))
    return fail('forbidden', 'not-dic', 'only DIC compiles proposals for the Committee', {
      source: '004 Điều 4.2',
    });
  const open = openProposal(entry, proposalId);
  if (!open.ok) return open;
  if (open.value.status !== 'submitted')
    return fail('conflict', 'already-compiled', `proposal ${proposalId} is already compiled`);
  const next: EntryState = {
    ...entry,
    proposal: { ...open.value, status: 'compiled', compiledAt: now, ...(note ? { compiledNote: note } : {}) },
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.proposal.compiled.v1',
        data: { proposalId, entryId: entry._id, ...(note ? { note } : {}) },
      },
    ],
  });
}

export interface Decision {
  outcome: 'approved' | 'rejected';
  reason?: string;
  decisionRef?: string;
}

/** The People's Committee decides a compiled proposal; a rejection states its reason. */
export function decide(
  entry: EntryState,
  proposalId: string,
  decision: Decision,
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!by.roles.includes('committee'))
    return fail('forbidden', 'not-committee', "only the People's Committee decides on the catalogue", {
      source: '004 Điều 4.2',
    });
  const open = openProposal(entry, proposalId);
  if (!open.ok) return open;
  const proposal = open.value;
  if (proposal.status !== 'compiled')
    return fail('conflict', 'not-compiled', `proposal ${proposalId} has not been compiled by DIC yet`);
  if (decision.outcome === 'rejected' && !decision.reason?.trim())
    return fail('invalid', 'reason-required', 'a rejection states its reason', { path: '/reason' });

  const closed: ClosedProposal = {
    id: proposal.id,
    kind: proposal.kind,
    outcome: decision.outcome,
    justification: proposal.justification,
    ...(decision.reason ? { reason: decision.reason } : {}),
    ...(decision.decisionRef ? { decisionRef: decision.decisionRef } : {}),
    decidedAt: now,
    decidedBy: by.sub,
  };
  const base = { ...entry, proposal: null, decisions: [...entry.decisions, closed], updatedAt: now };
  const ids = { proposalId, entryId: entry._id, kind: proposal.kind };

  if (decision.outcome === 'rejected') {
    const next: EntryState = { ...base, status: proposal.kind === 'add' ? 'rejected' : entry.status };
    return ok({
      next,
      facts: [
        {
          type: 'vn.openlgsp.catalogue.proposal.rejected.v1',
          data: { ...ids, reason: decision.reason!.trim() },
        },
      ],
    });
  }

  const approved: Fact = {
    type: 'vn.openlgsp.catalogue.proposal.approved.v1',
    data: { ...ids, ...(decision.decisionRef ? { decisionRef: decision.decisionRef } : {}) },
  };
  // Version numbers count approved contents: 1 when listed, +1 per amendment; a withdrawal names the last.
  const approvedContents = entry.decisions.filter(
    (d) => d.outcome === 'approved' && d.kind !== 'withdraw',
  ).length;
  const contentVersion = proposal.kind === 'withdraw' ? approvedContents : approvedContents + 1;
  switch (proposal.kind) {
    case 'add': {
      const next: EntryState = { ...base, status: 'listed', listedAt: now };
      return ok({
        next,
        facts: [approved, listed('vn.openlgsp.catalogue.entry.listed.v1', next, contentVersion)],
      });
    }
    case 'amend': {
      const content = proposal.content!;
      const next: EntryState = {
        ...base,
        content,
        searchText: searchable(content.name, content.purpose, content.scope, content.sector),
      };
      return ok({
        next,
        facts: [approved, listed('vn.openlgsp.catalogue.entry.amended.v1', next, contentVersion)],
      });
    }
    case 'withdraw': {
      const next: EntryState = { ...base, status: 'withdrawn', withdrawnAt: now };
      return ok({
        next,
        facts: [
          approved,
          {
            type: 'vn.openlgsp.catalogue.entry.withdrawn.v1',
            data: { entryId: entry._id, version: contentVersion, reason: proposal.justification },
          },
        ],
      });
    }
  }
}

/** Decree 47 Điều 16 / 000 Điều 5.8: the owner (or DIC) records the annual check, once per year. */
export function assess(
  entry: EntryState,
  input: { assessmentId: string; year: number; results: Assessment['results'] },
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!isProviderOfficerOf(by, entry.ownerAgency) && !by.roles.includes('dic'))
    return fail(
      'forbidden',
      'not-owner',
      `only a provider of ${entry.ownerAgency} or DIC records its assessments`,
    );
  if (entry.status !== 'listed')
    return fail('conflict', 'not-listed', `entry is ${entry.status}; only listed entries are assessed`);
  if (input.year > now.getUTCFullYear())
    return fail('invalid', 'future-year', `cannot assess year ${input.year} before it starts`, {
      path: '/year',
    });
  if (entry.assessments.some((a) => a.year === input.year))
    return fail('conflict', 'already-assessed', `the ${input.year} assessment is already recorded`);
  const overall = overallOutcome(input.results);
  const assessment: Assessment = {
    id: input.assessmentId,
    year: input.year,
    assessedAt: now,
    results: input.results,
    overall,
    assessedBy: by.sub,
  };
  const next: EntryState = {
    ...entry,
    assessments: [...entry.assessments, assessment],
    lastAssessedAt: now,
    updatedAt: now,
  };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.entry.assessed.v1',
        data: {
          entryId: entry._id,
          assessmentId: assessment.id,
          year: assessment.year,
          assessedAt: now.toISOString(),
          results: input.results,
          overall,
        },
      },
    ],
  });
}

/** The worst area decides: one failed area fails the assessment. */
export function overallOutcome(results: Assessment['results']): AssessmentOutcome {
  const outcomes = ASSESSMENT_AREAS.map((a) => results[a].outcome);
  if (outcomes.includes('fail')) return 'fail';
  if (outcomes.includes('partial')) return 'partial';
  return 'pass';
}

export const ASSESSMENT_INTERVAL_DAYS = 365;
export const REVIEW_INTERVAL_DAYS = 182;

/** The moment before which a last check counts as too old. */
export function dueBefore(now: Date, intervalDays: number): Date {
  return new Date(now.getTime() - intervalDays * DAY_MS);
}

/** A listed entry with no assessment in the last `intervalDays` is overdue (checked every year). */
export function isAssessmentOverdue(
  entry: Pick<EntryState, 'status' | 'lastAssessedAt'>,
  now: Date,
  intervalDays = ASSESSMENT_INTERVAL_DAYS,
): boolean {
  if (entry.status !== 'listed') return false;
  return !entry.lastAssessedAt || entry.lastAssessedAt < dueBefore(now, intervalDays);
}

/** Decree 47 Điều 34: the default-sharing list is reviewed at least every six months (DIC). */
export function review(
  entry: EntryState,
  input: { outcome: ReviewOutcome; note?: string },
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!by.roles.includes('dic'))
    return fail('forbidden', 'not-dic', 'only DIC records the six-monthly review');
  if (entry.status !== 'listed')
    return fail('conflict', 'not-listed', `entry is ${entry.status}; only listed entries are reviewed`);
  const mode = entry.content.sharingMode;
  if (mode === 'default' && input.outcome !== 'keep-default')
    return fail('invalid', 'review-outcome', 'an entry shared by default can only be kept as default', {
      path: '/outcome',
    });
  if (mode === 'request' && input.outcome === 'keep-default')
    return fail(
      'invalid',
      'review-outcome',
      'an entry shared on request is kept on request or moved to default',
      {
        path: '/outcome',
      },
    );
  const next: EntryState = { ...entry, lastReviewedAt: now, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.entry.reviewed.v1',
        data: {
          entryId: entry._id,
          reviewedAt: now.toISOString(),
          outcome: input.outcome,
          ...(input.note ? { note: input.note } : {}),
        },
      },
    ],
  });
}

export function isReviewDue(
  entry: Pick<EntryState, 'status' | 'lastReviewedAt' | 'listedAt'>,
  now: Date,
  intervalDays = REVIEW_INTERVAL_DAYS,
): boolean {
  if (entry.status !== 'listed') return false;
  const since = entry.lastReviewedAt ?? entry.listedAt;
  return !since || since < dueBefore(now, intervalDays);
}

/** `isAssessmentOverdue` and `isReviewDue` as store filters, for the DIC's lists. */
export function assessmentOverdueFilter(now: Date): Record<string, unknown> {
  const cutoff = dueBefore(now, ASSESSMENT_INTERVAL_DAYS);
  return { status: 'listed', $or: [{ lastAssessedAt: null }, { lastAssessedAt: { $lt: cutoff } }] };
}
export function reviewDueFilter(now: Date): Record<string, unknown> {
  const cutoff = dueBefore(now, REVIEW_INTERVAL_DAYS);
  return {
    status: 'listed',
    $or: [{ lastReviewedAt: { $lt: cutoff } }, { lastReviewedAt: null, listedAt: { $lt: cutoff } }],
  };
}

/**
 * Who sees the whole catalogue, listed or not: DIC compiles it, the People's Committee decides on it
 * (004 Điều 4.2), auditors read everything.
 */
const seesWholeCatalogue = (by: Actor) => hasRole(by, 'dic', 'committee', 'auditor');

/** Who may see an entry that is not (yet, or any more) listed: its owner, DIC, the Committee, auditors. */
export function canSee(entry: Pick<EntryState, 'status' | 'ownerAgency'>, by: Actor | undefined): boolean {
  if (entry.status === 'listed') return true;
  if (!by) return false;
  return by.agency === entry.ownerAgency || seesWholeCatalogue(by);
}

/** The same rule as a store filter, for searches: `canSee` holds for every document it matches. */
export function visibleTo(by: Actor | undefined): Record<string, unknown> {
  if (by && seesWholeCatalogue(by)) return {};
  // An agency code is never empty for an agency principal; a key with no agency sees listed entries.
  return by?.agency ? { $or: [{ status: 'listed' }, { ownerAgency: by.agency }] } : { status: 'listed' };
}

function openProposal(entry: EntryState, proposalId: string) {
  if (!entry.proposal || entry.proposal.id !== proposalId) {
    const decided = entry.decisions.find((d) => d.id === proposalId);
    return decided
      ? fail<NonNullable<EntryState['proposal']>>(
          'conflict',
          'already-decided',
          `proposal ${proposalId} was already ${decided.outcome}`,
        )
      : fail<NonNullable<EntryState['proposal']>>(
          'not-found',
          'no-such-proposal',
          `entry ${entry._id} has no open proposal ${proposalId}`,
        );
  }
  return ok(entry.proposal);
}

function submitted(
  entry: EntryState,
  kind: ProposalKind,
  justification: string,
  content?: EntryContent,
): Fact {
  return {
    type: 'vn.openlgsp.catalogue.proposal.submitted.v1',
    data: {
      proposalId: entry.proposal!.id,
      entryId: entry._id,
      kind,
      agency: entry.ownerAgency,
      justification,
      ...(content ? { content } : {}),
    },
  };
}

function listed(
  type: 'vn.openlgsp.catalogue.entry.listed.v1' | 'vn.openlgsp.catalogue.entry.amended.v1',
  entry: EntryState,
  version: number,
): Fact {
  return { type, data: { entryId: entry._id, version, content: entry.content } };
}
