import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { CatalogueViewRepository } from '../catalogue-view/catalogue-view.repository.js';
import { SHARING_CONFIG, type SharingConfig } from '../config.js';
import { GrantsService } from '../grants/grants.service.js';
import type { PlannedSuspensionState } from './planned-suspension.model.js';
import { announce, end, start } from './planned-suspension.rules.js';
import { PlannedSuspensionsRepository } from './planned-suspensions.repository.js';

/** Planned suspensions of a service for all its consumers (Decree 47 Điều 43). */
@Injectable()
export class PlannedSuspensionsService {
  constructor(
    private readonly suspensions: PlannedSuspensionsRepository,
    private readonly catalogue: CatalogueViewRepository,
    private readonly grants: GrantsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  async announce(
    input: { serviceId: string; reason: string; startsAt: Date; expectedRestorationAt: Date },
    by: Actor,
  ) {
    const service = await this.catalogue.requireService(input.serviceId);
    const { serviceId: _s, ...plan } = input;
    const change = unwrap(announce(uuidv7(), service, plan, by, this.clock(), this.config));
    await this.suspensions.create(change, by);
    return { suspensionId: change.next._id };
  }

  end(suspensionId: string, by: Actor) {
    return this.suspensions.apply(suspensionId, by, (s) => end(s, by, this.clock()));
  }

  get(suspensionId: string): Promise<PlannedSuspensionState> {
    return this.suspensions.get(suspensionId);
  }

  list(
    filters: { serviceId?: string; status?: PlannedSuspensionState['status'] },
    page: { limit: number; cursor?: string },
  ) {
    const where = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    return this.suspensions.page(where, page);
  }

  /**
   * Time-driven: plans that start take effect, those past their restoration end; then the grants of
   * each follow (a separate, repeatable step, so a crash between the two only delays it).
   */
  async runDeadlines(now: Date): Promise<{ started: number; restored: number }> {
    let started = 0;
    for (const s of await this.suspensions.startsDue(now))
      if (await this.suspensions.applyDue(s._id, (doc) => start(doc, now))) started++;
    let restored = 0;
    for (const s of await this.suspensions.restorationsDue(now))
      if (await this.suspensions.applyDue(s._id, (doc) => end(doc, undefined, now))) restored++;
    for (const s of await this.suspensions.grantsToSuspend(now)) {
      await this.suspensions.flagService(s.serviceId, s._id);
      await this.grants.suspendForPlan(
        { suspensionId: s._id, serviceId: s.serviceId, reason: s.reason, until: s.expectedRestorationAt },
        now,
      );
      await this.suspensions.markDone(s._id, 'grantsSuspended');
    }
    for (const s of await this.suspensions.grantsToResume(now)) {
      await this.suspensions.flagService(s.serviceId, null);
      await this.grants.resumeAfterPlan({ suspensionId: s._id, serviceId: s.serviceId }, now);
      await this.suspensions.markDone(s._id, 'grantsResumed');
    }
    return { started, restored };
  }
}
