import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { LgspEvent } from '@openlgsp/events';
import { GrantsService } from './grants.service.js';

export { SHARING_HOLDINGS } from './grant-holdings.consumer.js';

/**
 * Every grant event refreshes the holder's holdings from the grant itself: if the service stopped
 * between writing a grant and its holdings, the event (published from the grant's outbox) repairs it.
 */
@Controller()
export class GrantHoldingsHandlers {
  constructor(private readonly grants: GrantsService) {}

  private refresh(event: LgspEvent<{ grantId: string }>) {
    return this.grants.refreshHoldings(event.data.grantId);
  }

  @EventPattern('vn.openlgsp.sharing.grant.issued.v1')
  onIssued(@Payload() event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @EventPattern('vn.openlgsp.sharing.grant.suspended.v1')
  onSuspended(@Payload() event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @EventPattern('vn.openlgsp.sharing.grant.resumed.v1')
  onResumed(@Payload() event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @EventPattern('vn.openlgsp.sharing.grant.terminated.v1')
  onTerminated(@Payload() event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }

  @EventPattern('vn.openlgsp.sharing.grant.expired.v1')
  onExpired(@Payload() event: LgspEvent<{ grantId: string }>) {
    return this.refresh(event);
  }
}
