import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { forbidden, isParty, partyFilter } from '../common/actor.js';
import type { Period } from '../common/scope.js';
import { SHARING_CONFIG, type SharingConfig } from '../config.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import type { UsageDemandState } from './usage-demand.model.js';
import { answer, demand, flagOverdue } from './usage-demand.rules.js';
import { UsageDemandsRepository } from './usage-demands.repository.js';

/** Usage-report demands (004 Điều 13.1.g). */
@Injectable()
export class UsageDemandsService {
  constructor(
    private readonly demands: UsageDemandsRepository,
    private readonly grants: GrantsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  async demand(grantId: string, reason: string, by: Actor) {
    const grant = await this.grants.get(grantId);
    const change = unwrap(demand(uuidv7(), grant, reason, by, this.clock(), this.config));
    await this.demands.create(change, by);
    return { demandId: change.next._id, dueAt: change.next.dueAt.toISOString() };
  }

  answer(demandId: string, report: { summary: string; requests?: number; period?: Period }, by: Actor) {
    return this.demands.apply(demandId, by, (d) => answer(d, report, by, this.clock()));
  }

  async get(demandId: string, by: Actor): Promise<UsageDemandState> {
    const d = await this.demands.get(demandId);
    if (!isParty(by, d.ownerAgency, d.holderAgency))
      unwrap(forbidden('not-party', 'only the provider, the holder, DIC and auditors see a demand'));
    return d;
  }

  list(
    by: Actor,
    filters: { status?: 'open' | 'answered'; grantId?: string },
    page: { limit: number; cursor?: string },
  ) {
    const scope = partyFilter(by, 'ownerAgency', 'holderAgency');
    if (!scope) return unwrap(forbidden('no-sharing-role', 'no role of yours reads usage-report demands'));
    const where = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    return this.demands.page({ $and: [scope, where] }, page);
  }

  async flagOverdue(now: Date): Promise<number> {
    let flagged = 0;
    for (const d of await this.demands.overdue(now))
      if (await this.demands.applyDue(d._id, (doc) => flagOverdue(doc, now))) flagged++;
    return flagged;
  }
}
