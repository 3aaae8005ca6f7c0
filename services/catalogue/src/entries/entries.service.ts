import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap } from '@openlgsp/domain';
import { CLOCK, EventFactory, type Clock } from '@openlgsp/events';
import { NotFoundError } from '@openlgsp/persistence';
import { facetedSearch, type FacetedPage } from '../search/faceted-search.js';
import { EntriesRepository } from './entries.repository.js';
import type { Actor, Assessment, EntryState, ProposedContent, ReviewOutcome } from './entry.model.js';
import {
  assess,
  canSee,
  compile,
  decide,
  assessmentOverdueFilter,
  reviewDueFilter,
  proposeAddition,
  proposeChange,
  review,
  visibleTo,
  type Change,
  type Decision,
} from './entry.rules.js';

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
    private readonly events: EventFactory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async proposeAddition(input: { content: ProposedContent; justification: string }, by: Actor) {
    const change = unwrap(
      proposeAddition({ entryId: uuidv7(), proposalId: uuidv7(), ...input }, by, this.clock()),
    );
    await this.entries.insert(change.next, this.events.createAll(change.facts, change.next._id, by));
    return { entryId: change.next._id, proposalId: change.next.proposal!.id };
  }

  async proposeChange(
    entryId: string,
    input: { kind: 'amend' | 'withdraw'; justification: string; content?: ProposedContent },
    by: Actor,
  ) {
    const proposalId = uuidv7();
    await this.apply(entryId, by, (entry, now) => proposeChange(entry, { proposalId, ...input }, by, now));
    return { entryId, proposalId };
  }

  compile(entryId: string, proposalId: string, note: string | undefined, by: Actor) {
    return this.apply(entryId, by, (entry, now) => compile(entry, proposalId, note, by, now));
  }

  decide(entryId: string, proposalId: string, decision: Decision, by: Actor) {
    return this.apply(entryId, by, (entry, now) => decide(entry, proposalId, decision, by, now));
  }

  async assess(entryId: string, input: { year: number; results: Assessment['results'] }, by: Actor) {
    const assessmentId = uuidv7();
    await this.apply(entryId, by, (entry, now) => assess(entry, { assessmentId, ...input }, by, now));
    return { entryId, assessmentId };
  }

  review(entryId: string, input: { outcome: ReviewOutcome; note?: string }, by: Actor) {
    return this.apply(entryId, by, (entry, now) => review(entry, input, by, now));
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
    return this.entries.page(assessmentOverdueFilter(this.clock()), page);
  }

  dueReviews(page: { limit: number; cursor?: string }) {
    return this.entries.page(reviewDueFilter(this.clock()), page);
  }

  private async apply(
    entryId: string,
    by: Actor,
    rule: (entry: EntryState, now: Date) => ReturnType<typeof review>,
  ) {
    const entry = await this.entries.get(entryId);
    if (!canSee(entry, by)) throw new NotFoundError('entry', entryId);
    const change: Change = unwrap(rule(entry, this.clock()));
    const { _id, revision: _r, ...next } = change.next;
    await this.entries.update(_id, entry.revision, next, this.events.createAll(change.facts, entryId, by));
  }
}
