import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type {
  ServiceDeclaredV1,
  ServiceResumedV1,
  ServiceRetiredV1,
  ServiceSuspendedV1,
  ServiceUpdatedV1,
} from '@openlgsp/contracts';
import type { ConsumerSpec, LgspEvent } from '@openlgsp/events';
import { FeedbackServicesRepository } from './feedback.repository.js';

/** Feedback on a sharing service goes to its provider: the registry, from catalogue events. */
export const OPENDATA_FEEDBACK_SERVICES: ConsumerSpec = {
  durable: 'opendata-feedback-services',
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.service.>'],
  unhandled: 'skip',
};

const at = (e: LgspEvent) => new Date(e.time ?? Date.now());

@Controller()
export class FeedbackServicesHandlers {
  constructor(private readonly services: FeedbackServicesRepository) {}

  @EventPattern('vn.openlgsp.catalogue.service.declared.v1')
  onDeclared(@Payload() event: LgspEvent<ServiceDeclaredV1>) {
    return this.put(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.updated.v1')
  onUpdated(@Payload() event: LgspEvent<ServiceUpdatedV1>) {
    return this.put(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.suspended.v1')
  onSuspended(@Payload() event: LgspEvent<ServiceSuspendedV1>) {
    return this.services.setStatus(event.data.serviceId, 'suspended', at(event));
  }

  @EventPattern('vn.openlgsp.catalogue.service.resumed.v1')
  onResumed(@Payload() event: LgspEvent<ServiceResumedV1>) {
    return this.services.setStatus(event.data.serviceId, 'active', at(event));
  }

  @EventPattern('vn.openlgsp.catalogue.service.retired.v1')
  onRetired(@Payload() event: LgspEvent<ServiceRetiredV1>) {
    return this.services.setStatus(event.data.serviceId, 'retired', at(event));
  }

  private async put(event: LgspEvent<ServiceDeclaredV1 | ServiceUpdatedV1>) {
    const current = await this.services.find(event.data.serviceId);
    await this.services.put({
      _id: event.data.serviceId,
      providerAgency: event.data.providerAgency,
      status: current?.status === 'retired' ? 'retired' : event.data.status,
      updatedAt: at(event),
    });
  }
}
