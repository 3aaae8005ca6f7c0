import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ServiceChangedV1, EntryWithdrawnV1 } from '@openlgsp/contracts';
import {
  intakeActor,
  refuseOnRuleViolation,
  type ConsumerSpec,
  type EventContext,
  type LgspEvent,
} from '@openlgsp/events';
import { SharingServicesService } from './sharing-services.service.js';

/** The catalogue reacts to its own facts durably (a withdrawn entry retires its services). */
export const CATALOGUE_REACTIONS: ConsumerSpec = {
  durable: 'catalogue-reactions',
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.entry.withdrawn'],
  unhandled: 'skip',
};

/** The registry's event doors: integrators' intake, and the catalogue's own withdrawals. */
@Controller()
export class SharingServicesHandlers {
  constructor(private readonly services: SharingServicesService) {}

  /** An agency's system says one of its services changed (000 Điều 5.7). */
  @EventPattern<string>('vn.openlgsp.catalogue.service.changed.v1')
  async onServiceChanged(
    @Payload() event: LgspEvent<ServiceChangedV1>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const { serviceId, ...changes } = event.data;
    const by = intakeActor(event, ctx);
    await refuseOnRuleViolation(() => this.services.update(serviceId, changes, by));
  }

  /** A withdrawn entry takes its services with it. */
  @EventPattern('vn.openlgsp.catalogue.entry.withdrawn.v1')
  async onEntryWithdrawn(@Payload() event: LgspEvent<EntryWithdrawnV1>): Promise<void> {
    await this.services.retireAllOf(
      event.data.entryId,
      `entry withdrawn from the catalogue: ${event.data.reason}`,
    );
  }
}
