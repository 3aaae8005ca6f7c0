import type { EntryContent, Fact } from '@openlgsp/contracts';
import { fail, ok, searchable, type Actor, type Change, type Result } from '@openlgsp/domain';
import type { ClosedProposal, EntryState, ProposalKind, ProposedContent } from './entry.model.js';

/**
 * An officer of the agency (role provider), not one of its systems: 004 Điều 4.2 has the owning
 * agency propose, through its people.
 */
export const isProviderOfficerOf = (by: Actor, agency: string) =>
  by.agency === agency && by.roles.includes('provider');

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
