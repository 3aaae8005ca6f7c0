import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type {
  DisputeDecidedV1,
  EntryWithdrawnV1,
  RequestApprovedV1,
  ServiceRetiredV1,
} from '@openlgsp/contracts';
import type { ConsumerSpec, LgspEvent } from '@openlgsp/events';
import { GrantsService } from './grants.service.js';

const actingParty = (e: LgspEvent) =>
  e.agency && e.actor ? { sub: e.actor, agency: e.agency, roles: [] } : undefined;
const period = (p: { from: string; until: string }) => ({ from: new Date(p.from), until: new Date(p.until) });

/** Decisions become grants through the stream: the request and the grant are two documents. */
export const SHARING_REACTIONS: ConsumerSpec = {
  durable: 'sharing-reactions',
  stream: 'SHARING',
  filterSubjects: ['lgsp.sharing.request.approved', 'lgsp.sharing.dispute.decided'],
  unhandled: 'skip',
};

/**
 * Grants follow decisions through the SHARING stream (the request and the grant are two documents,
 * written without a transaction): an approval or a DIC order to share issues the grant, exactly once.
 * They end with what they were granted on: the catalogue's withdrawals and retirements arrive through
 * sharing's catalogue feed, beside the view's own handlers of the same events.
 */
@Controller()
export class GrantsHandlers {
  constructor(private readonly grants: GrantsService) {}

  @EventPattern('vn.openlgsp.sharing.request.approved.v1')
  onApproved(@Payload() event: LgspEvent<RequestApprovedV1>) {
    const d = event.data;
    return this.grants.issue(
      {
        grantId: d.grantId,
        origin: d.automatic ? 'default' : 'approval',
        requestId: d.requestId,
        entryId: d.entryId,
        ...(d.serviceId ? { serviceId: d.serviceId } : {}),
        ownerAgency: d.ownerAgency,
        holderAgency: d.requesterAgency,
        fields: d.fields,
        validity: period(d.validity),
        conditions: d.conditions ?? [],
      },
      actingParty(event),
    );
  }

  @EventPattern('vn.openlgsp.sharing.dispute.decided.v1')
  async onDisputeDecided(@Payload() event: LgspEvent<DisputeDecidedV1>) {
    const d = event.data;
    if (d.outcome !== 'sharing-ordered' || !d.grantId || !d.fields || !d.validity) return;
    await this.grants.issue(
      {
        grantId: d.grantId,
        origin: 'dispute',
        requestId: d.requestId,
        disputeId: d.disputeId,
        entryId: d.entryId,
        ownerAgency: d.ownerAgency,
        holderAgency: d.requesterAgency,
        fields: d.fields,
        validity: period(d.validity),
        conditions: d.conditions ?? [],
      },
      actingParty(event),
    );
  }

  @EventPattern('vn.openlgsp.catalogue.entry.withdrawn.v1')
  async onEntryWithdrawn(@Payload() event: LgspEvent<EntryWithdrawnV1>) {
    await this.grants.endAllOf(
      { entryId: event.data.entryId },
      'entry-withdrawn',
      `entry withdrawn from the catalogue: ${event.data.reason}`,
    );
  }

  @EventPattern('vn.openlgsp.catalogue.service.retired.v1')
  async onServiceRetired(@Payload() event: LgspEvent<ServiceRetiredV1>) {
    await this.grants.endAllOf(
      { serviceId: event.data.serviceId },
      'service-retired',
      `sharing service retired: ${event.data.reason}`,
    );
  }
}
