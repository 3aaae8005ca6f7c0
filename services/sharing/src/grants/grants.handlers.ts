import { Injectable } from '@nestjs/common';
import type { DisputeDecidedV1, RequestApprovedV1 } from '@openlgsp/contracts';
import { OnEvent, type LgspEvent } from '@openlgsp/events';
import { GrantsService } from './grants.service.js';

const actingParty = (e: LgspEvent) =>
  e.agency && e.actor ? { sub: e.actor, agency: e.agency, roles: [] } : undefined;
const period = (p: { from: string; until: string }) => ({ from: new Date(p.from), until: new Date(p.until) });

/**
 * Grants follow decisions through the SHARING stream (the request and the grant are two documents,
 * written without a transaction): an approval or a DIC order to share issues the grant, exactly once.
 */
@Injectable()
export class GrantsHandlers {
  constructor(private readonly grants: GrantsService) {}

  @OnEvent('vn.openlgsp.sharing.request.approved.v1')
  onApproved(event: LgspEvent<RequestApprovedV1>) {
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

  @OnEvent('vn.openlgsp.sharing.dispute.decided.v1')
  async onDisputeDecided(event: LgspEvent<DisputeDecidedV1>) {
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
}
