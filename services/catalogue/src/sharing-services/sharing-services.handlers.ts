import { Injectable } from '@nestjs/common';
import type { ServiceChangedV1, EntryWithdrawnV1 } from '@openlgsp/contracts';
import { OnEvent, refuseOnRuleViolation, type EventContext, type LgspEvent } from '@openlgsp/events';
import { intakeActor } from '@openlgsp/events';
import { SharingServicesService } from './sharing-services.service.js';

/** The registry's event doors: integrators' intake, and the catalogue's own withdrawals. */
@Injectable()
export class SharingServicesHandlers {
  constructor(private readonly services: SharingServicesService) {}

  /** An agency's system says one of its services changed (000 Điều 5.7). */
  @OnEvent('vn.openlgsp.catalogue.service.changed.v1')
  async onServiceChanged(event: LgspEvent<ServiceChangedV1>, ctx: EventContext): Promise<void> {
    const { serviceId, ...changes } = event.data;
    const by = intakeActor(event, ctx);
    await refuseOnRuleViolation(() => this.services.update(serviceId, changes, by));
  }

  /** A withdrawn entry takes its services with it. */
  @OnEvent('vn.openlgsp.catalogue.entry.withdrawn.v1')
  async onEntryWithdrawn(event: LgspEvent<EntryWithdrawnV1>): Promise<void> {
    await this.services.retireAllOf(
      event.data.entryId,
      `entry withdrawn from the catalogue: ${event.data.reason}`,
    );
  }
}
