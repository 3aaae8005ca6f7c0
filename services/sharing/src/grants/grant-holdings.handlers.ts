import { Injectable } from '@nestjs/common';
import { OnEvent, type LgspEvent } from '@openlgsp/events';
import { GrantsService } from './grants.service.js';

/**
 * Every grant event refreshes the holder's holdings from the grant itself: if the service stopped
 * between writing a grant and its holdings, the event (published from the grant's outbox) repairs it.
 */
@Injectable()
export class GrantHoldingsHandlers {
  constructor(private readonly grants: GrantsService) {}

  private refresh(event: LgspEvent<{ grantId: string }>) {
    return this.grants.refreshHoldings(event.data.grantId);
  }

  @OnEvent('vn.openlgsp.sharing.grant.issued.v1')
  onIssued(event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @OnEvent('vn.openlgsp.sharing.grant.suspended.v1')
  onSuspended(event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @OnEvent('vn.openlgsp.sharing.grant.resumed.v1')
  onResumed(event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @OnEvent('vn.openlgsp.sharing.grant.terminated.v1')
  onTerminated(event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @OnEvent('vn.openlgsp.sharing.grant.expired.v1')
  onExpired(event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }
}
