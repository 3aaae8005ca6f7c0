import { Inject, Injectable } from '@nestjs/common';
import { fail, unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { DuplicateError } from '@openlgsp/persistence';
import { seesEverything } from '@openlgsp/auth';
import { forbidden, isParty, partyFilter } from '../common/actor.js';
import { RequestsRepository } from '../requests/requests.repository.js';
import type { DisputeState } from './dispute.model.js';
import { decide, open, type DisputeDecisionInput } from './dispute.rules.js';
import { DisputesRepository } from './disputes.repository.js';

/** Disputes (vướng mắc) about requests, decided by DIC (004 Điều 15; 000 Điều 8.6). */
@Injectable()
export class DisputesService {
  constructor(
    private readonly disputes: DisputesRepository,
    private readonly requests: RequestsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async open(requestId: string, statement: string, by: Actor) {
    const request = await this.requests.get(requestId);
    const change = unwrap(open(request, statement, by, this.clock()));
    try {
      await this.disputes.create(change, by);
    } catch (err) {
      if (err instanceof DuplicateError)
        unwrap(fail('conflict', 'already-disputed', 'this request is already disputed'));
      throw err;
    }
    return { disputeId: change.next._id, ground: change.next.ground };
  }

  decide(disputeId: string, input: DisputeDecisionInput, by: Actor) {
    return this.disputes.apply(disputeId, by, (d) => decide(d, input, by, this.clock()));
  }

  async get(disputeId: string, by: Actor): Promise<DisputeState> {
    const dispute = await this.disputes.get(disputeId);
    if (!isParty(by, dispute.ownerAgency, dispute.requesterAgency))
      unwrap(forbidden('not-party', 'only the two agencies, DIC and auditors see a dispute'));
    return dispute;
  }

  list(by: Actor, filters: { status?: 'open' | 'decided' }, page: { limit: number; cursor?: string }) {
    const scope = seesEverything(by) ? {} : partyFilter(by, 'ownerAgency', 'requesterAgency');
    if (!scope) return unwrap(forbidden('no-sharing-role', 'no role of yours reads disputes'));
    return this.disputes.page({ $and: [scope, filters.status ? { status: filters.status } : {}] }, page);
  }
}
