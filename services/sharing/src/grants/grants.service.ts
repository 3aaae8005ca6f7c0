import { Inject, Injectable } from '@nestjs/common';
import { unwrap, type Change, type Result, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { DuplicateError } from '@openlgsp/persistence';
import { countApplied } from '../common/due.js';
import { actsAsConsumerOf, actsAsProviderOf, seesEverything } from '@openlgsp/auth';
import { forbidden, isParty, partyFilter } from '../common/actor.js';
import type { GrantState, GrantStatus, SuspensionCause, TerminationCause } from './grant.model.js';
import {
  answerAccess,
  expire,
  issue,
  resume,
  suspend,
  suspendForPlannedSuspension,
  terminate,
  type AccessQuestion,
  type GrantTerms,
} from './grant.rules.js';
import { AccessViewFollower } from './access-view.follower.js';
import { GrantHoldingsRepository } from './grant-holdings.repository.js';
import { GrantsRepository } from './grants.repository.js';

export interface GrantFilters {
  status?: GrantStatus;
  entryId?: string;
  holderAgency?: string;
  ownerAgency?: string;
}

/** Grants' use cases: issue, suspend, resume, terminate, expire, and the access check. */
@Injectable()
export class GrantsService {
  constructor(
    private readonly grants: GrantsRepository,
    private readonly holdings: GrantHoldingsRepository,
    private readonly accessView: AccessViewFollower,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Every grant write brings the access check's holdings (stored, and this instance's view) up to date
   * before its events are published: a holder told by an event who checks at once gets an answer that
   * knows of it. Other instances' views follow the event.
   */
  private readonly holdingsFirst = {
    beforePublish: async (grant: GrantState) => {
      await this.holdings.record(grant);
      this.accessView.view.recordGrant(grant, this.clock());
      await this.grants.leaveScopes(grant);
    },
  };

  /** Idempotent: the grant's id is its request's, so a redelivered decision issues nothing twice. */
  async issue(terms: GrantTerms, by: Actor | undefined): Promise<void> {
    if (await this.grants.find(terms.grantId)) return;
    const change = issue(terms, this.clock());
    try {
      await this.grants.create(change, by, this.holdingsFirst);
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
    }
  }

  /** From a grant event: the holdings get the grant's current state (repairs a crash between two writes). */
  async refreshHoldings(grantId: string): Promise<void> {
    const grant = await this.grants.find(grantId);
    if (grant) await this.holdings.record(grant);
  }

  async get(grantId: string, by: Actor): Promise<GrantState> {
    const grant = await this.grants.get(grantId);
    if (!isParty(by, grant.ownerAgency, grant.holderAgency))
      unwrap(forbidden('not-party', 'only the provider, the holder, DIC and auditors see a grant'));
    return grant;
  }

  list(by: Actor, filters: GrantFilters, page: { limit: number; cursor?: string }) {
    const scope = partyFilter(by, 'ownerAgency', 'holderAgency');
    if (!scope) return unwrap(forbidden('no-sharing-role', 'no role of yours reads grants'));
    const where = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    return this.grants.page({ $and: [scope, where] }, page);
  }

  /**
   * Asked by the provider's system before it serves data (or by the holder about itself, or DIC), per
   * request: answered from this instance's view in memory (access-view.ts), with how fresh it is.
   */
  check(q: AccessQuestion, by: Actor) {
    const { view } = this.accessView;
    const facts = view.facts(q);
    const mayAsk =
      seesEverything(by) ||
      (facts.entry && actsAsProviderOf(by, facts.entry.ownerAgency)) ||
      actsAsConsumerOf(by, q.holderAgency);
    if (!mayAsk)
      unwrap(
        forbidden('not-party', "only the entry's provider, the holder itself, DIC and auditors check access"),
      );
    const now = this.clock();
    return { ...answerAccess(q, facts, now), checkedAt: now.toISOString(), asOf: view.freshness() };
  }

  suspend(
    grantId: string,
    input: { cause: Exclude<SuspensionCause, 'planned-suspension'>; reason: string; until?: Date },
    by: Actor,
  ) {
    return this.change(grantId, by, (g) => suspend(g, input, by, this.clock()));
  }

  resume(grantId: string, by: Actor) {
    return this.change(grantId, by, (g) => resume(g, by, this.clock()));
  }

  terminate(grantId: string, reason: string, by: Actor) {
    return this.change(grantId, by, (g) => terminate(g, { cause: 'provider', reason }, by, this.clock()));
  }

  /** The catalogue withdrew the entry or retired the service: its grants end, holders told by event. */
  async endAllOf(
    scope: { entryId: string } | { serviceId: string },
    cause: Exclude<TerminationCause, 'provider'>,
    reason: string,
  ): Promise<number> {
    const live =
      'entryId' in scope
        ? () => this.grants.liveOfEntry(scope.entryId)
        : () => this.grants.liveOfService(scope.serviceId);
    return this.dueAll(live, (doc) => terminate(doc, { cause, reason }, undefined, this.clock()));
  }

  async expireDue(now: Date): Promise<number> {
    return this.dueAll(
      () => this.grants.expiriesDue(now),
      (doc) => expire(doc, now),
    );
  }

  async suspendForPlan(
    plan: { suspensionId: string; serviceId: string; reason: string; until: Date },
    now: Date,
  ) {
    await this.dueAll(
      () => this.grants.activeOfService(plan.serviceId),
      (doc) => suspendForPlannedSuspension(doc, plan, now),
    );
  }

  async resumeAfterPlan(plan: { suspensionId: string; serviceId: string }, now: Date) {
    const { suspensionId } = plan;
    await this.dueAll(
      () => this.grants.suspendedFor(plan.serviceId, suspensionId),
      (doc) => resume(doc, { plannedSuspensionId: suspensionId }, now),
    );
  }

  private async change(grantId: string, by: Actor, rule: (g: GrantState) => Result<Change<GrantState>>) {
    return this.grants.apply(grantId, by, rule, this.holdingsFirst);
  }

  /**
   * Applies `rule` to every grant `find` returns, batch after batch (each query is bounded), until none
   * is left or a whole batch went to other instances: a withdrawn entry with more grants than one
   * batch still ends them all. Returns how many this instance changed.
   */
  private async dueAll(
    find: () => Promise<GrantState[]>,
    rule: (g: GrantState) => Result<Change<GrantState>>,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      // A few grants at a time, each its own guarded write: one grant's events stay in their order.
      const applied = await countApplied(await find(), (g) =>
        this.grants.applyDue(g._id, rule, this.holdingsFirst),
      );
      total += applied;
      if (applied === 0) return total;
    }
  }
}
