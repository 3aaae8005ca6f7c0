import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { NotFoundError } from '@openlgsp/persistence';
import { facetedSearch, type FacetedPage } from '../search/faceted-search.js';
import { EntriesRepository } from './entries.repository.js';
import type { Assessment, EntryState, ProposedContent, ReviewOutcome } from './entry.model.js';
import { assess } from './assessment.rules.js';
import { compile, decide, proposeAddition, proposeChange, type Decision } from './proposal.rules.js';
import { review } from './review.rules.js';
import { canSee, visibleTo } from './visibility.rules.js';

export interface EntrySearch {
  q?: string;
  owner?: string;
  sector?: string;
  sharingMode?: 'default' | 'request';
  open?: boolean;
  status?: EntryState['status'];
  limit: number;
  cursor?: string;
}

/** The catalogue entries' use cases: load, apply one rule, save state and events in one write. */
@Injectable()
export class EntriesService {
  constructor(
    private readonly entries: EntriesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async proposeAddition(input: { content: ProposedContent; justification: string }, by: Actor) {
    const change = unwrap(
      proposeAddition({ entryId: uuidv7(), proposalId: uuidv7(), ...input }, by, this.clock()),
    );
    await this.entries.create(change, by);
    return { entryId: change.next._id, proposalId: change.next.proposal!.id };
  }

  async proposeChange(
    entryId: string,
    input: { kind: 'amend' | 'withdraw'; justification: string; content?: ProposedContent },
    by: Actor,
  ) {
    const proposalId = uuidv7();
    await this.entries.apply(
      entryId,
      by,
      (entry) => proposeChange(entry, { proposalId, ...input }, by, this.clock()),
      seenBy(by),
    );
    return { entryId, proposalId };
  }

  compile(entryId: string, proposalId: string, note: string | undefined, by: Actor) {
    return this.entries.apply(
      entryId,
      by,
      (entry) => compile(entry, proposalId, note, by, this.clock()),
      seenBy(by),
    );
  }

  decide(entryId: string, proposalId: string, decision: Decision, by: Actor) {
    return this.entries.apply(
      entryId,
      by,
      (entry) => decide(entry, proposalId, decision, by, this.clock()),
      seenBy(by),
    );
  }

  async assess(entryId: string, input: { year: number; results: Assessment['results'] }, by: Actor) {
    const assessmentId = uuidv7();
    await this.entries.apply(
      entryId,
      by,
      (entry) => assess(entry, { assessmentId, ...input }, by, this.clock()),
      seenBy(by),
    );
    return { entryId, assessmentId };
  }

  review(entryId: string, input: { outcome: ReviewOutcome; note?: string }, by: Actor) {
    return this.entries.apply(entryId, by, (entry) => review(entry, input, by, this.clock()), seenBy(by));
  }

  /** An entry as its reader may see it: unlisted entries only to their owner and coordinators. */
  async get(entryId: string, by: Actor | undefined): Promise<EntryState> {
    const entry = await this.entries.get(entryId);
    if (!canSee(entry, by)) throw new NotFoundError('entry', entryId);
    return entry;
  }

  search(query: EntrySearch, by: Actor | undefined): Promise<FacetedPage<EntryState>> {
    return facetedSearch(this.entries.collection, visibleTo(by), {
      q: query.q,
      filters: {
        ownerAgency: query.owner,
        'content.sector': query.sector,
        'content.sharingMode': query.sharingMode,
        'content.open': query.open,
        status: query.status,
      },
      facets: {
        sector: 'content.sector',
        sharingMode: 'content.sharingMode',
        open: 'content.open',
        status: 'status',
        owner: 'ownerAgency',
      },
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  overdueAssessments(page: { limit: number; cursor?: string }) {
    return this.entries.overdueAssessments(this.clock(), page);
  }

  dueReviews(page: { limit: number; cursor?: string }) {
    return this.entries.dueReviews(this.clock(), page);
  }
}

/** An entry its actor may not see is absent to them, whatever they ask of it. */
const seenBy = (by: Actor) => ({ visible: (entry: EntryState) => canSee(entry, by) });
