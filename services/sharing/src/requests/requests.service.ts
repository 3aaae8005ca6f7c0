import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { DuplicateError } from '@openlgsp/persistence';
import { CatalogueViewRepository } from '../catalogue-view/catalogue-view.repository.js';
import { forbidden, isParty, partyFilter } from '../common/actor.js';
import type { Period } from '../common/scope.js';
import { SHARING_CONFIG, type SharingConfig } from '../config.js';
import type { RequestDetails, RequestState, RequestStatus } from './request.model.js';
import { approve, escalate, refuse, remind, startReview, submit, withdraw } from './request.rules.js';
import { RequestsRepository } from './requests.repository.js';

export interface RequestFilters {
  status?: RequestStatus;
  entryId?: string;
  ownerAgency?: string;
  requesterAgency?: string;
  escalated?: boolean;
}

/** Sharing requests' use cases (Decree 47 Điều 37–39; 000 Điều 7; 004 Điều 13). */
@Injectable()
export class RequestsService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly catalogue: CatalogueViewRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  /**
   * `requestId` is given by intake (the event's id, so a republished event files nothing twice);
   * over HTTP a new one is made.
   */
  async submit(details: RequestDetails, by: Actor, requestId: string = uuidv7()) {
    const existing = await this.requests.find(requestId);
    if (existing) return summary(existing);
    const entry = await this.catalogue.requireEntry(details.entryId);
    const service = details.serviceId ? await this.catalogue.service(details.serviceId) : null;
    const change = unwrap(submit(requestId, entry, service, details, by, this.clock(), this.config));
    try {
      await this.requests.create(change, by);
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
    }
    return summary(change.next);
  }

  async get(requestId: string, by: Actor): Promise<RequestState> {
    const request = await this.requests.get(requestId);
    if (!isParty(by, request.ownerAgency, request.requesterAgency))
      unwrap(forbidden('not-party', 'only the two agencies, DIC and auditors see a request'));
    return request;
  }

  list(by: Actor, filters: RequestFilters, page: { limit: number; cursor?: string }) {
    const scope = partyFilter(by, 'ownerAgency', 'requesterAgency');
    if (!scope) return unwrap(forbidden('no-sharing-role', 'no role of yours reads sharing requests'));
    const { escalated, ...plain } = filters;
    const where = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
    const flags = escalated === undefined ? {} : { escalatedAt: escalated ? { $ne: null } : null };
    return this.requests.page({ $and: [scope, where, flags] }, page);
  }

  startReview(requestId: string, by: Actor) {
    return this.requests.apply(requestId, by, (r) => startReview(r, by, this.clock()));
  }

  async approve(
    requestId: string,
    input: { fields?: string[]; validity?: Period; conditions?: string[] },
    by: Actor,
  ) {
    const next = await this.requests.apply(requestId, by, (r) => approve(r, input, by, this.clock()));
    return { grantId: requestId, status: next.status };
  }

  refuse(requestId: string, input: { reasons: string; legalBasis: RequestState['legalBasis'] }, by: Actor) {
    return this.requests.apply(requestId, by, (r) => refuse(r, input, by, this.clock()));
  }

  withdraw(requestId: string, reason: string | undefined, by: Actor) {
    return this.requests.apply(requestId, by, (r) => withdraw(r, reason, by, this.clock()));
  }

  /** Time-driven: reminders, then escalations of what is overdue. Returns how many of each it made. */
  async runDeadlines(now: Date): Promise<{ reminded: number; escalated: number }> {
    let reminded = 0;
    for (const r of await this.requests.remindersDue(now))
      if (await this.requests.applyDue(r._id, (doc) => remind(doc, now))) reminded++;
    let escalated = 0;
    for (const r of await this.requests.escalationsDue(now))
      if (await this.requests.applyDue(r._id, (doc) => escalate(doc, now))) escalated++;
    return { reminded, escalated };
  }
}

function summary(r: RequestState) {
  return {
    requestId: r._id,
    status: r.status,
    mode: r.mode,
    ...(r.dueAt ? { dueAt: r.dueAt.toISOString() } : {}),
    ...(r.decision?.outcome === 'approved' ? { grantId: r.decision.grantId } : {}),
  };
}
