import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type {
  EntryAmendedV1,
  EntryListedV1,
  EntryReviewedV1,
  EntryWithdrawnV1,
  ServiceDeclaredV1,
  ServiceResumedV1,
  ServiceRetiredV1,
  ServiceSuspendedV1,
  ServiceUpdatedV1,
} from '@openlgsp/contracts';
import type { ConsumerSpec, LgspEvent } from '@openlgsp/events';
import { CatalogueViewRepository } from './catalogue-view.repository.js';

const at = (e: LgspEvent) => new Date(e.time ?? Date.now());

/** Sharing's own view of the catalogue is built only from catalogue facts (the grants feature's too). */
export const SHARING_CATALOGUE: ConsumerSpec = {
  durable: 'sharing-catalogue',
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.>'],
  unhandled: 'skip',
};

/**
 * The catalogue's facts, as sharing needs them: what can be requested and how it is shared. (The
 * grants on a withdrawn entry or a retired service end in the grants feature's own handlers.)
 */
@Controller()
export class CatalogueFeedHandlers {
  constructor(private readonly view: CatalogueViewRepository) {}

  @EventPattern('vn.openlgsp.catalogue.entry.listed.v1')
  onListed(@Payload() event: LgspEvent<EntryListedV1>) {
    return this.putEntry(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.amended.v1')
  onAmended(@Payload() event: LgspEvent<EntryAmendedV1>) {
    return this.putEntry(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.reviewed.v1')
  async onReviewed(@Payload() event: LgspEvent<EntryReviewedV1>) {
    // Decree 47 Điều 34: the six-monthly review may move request-based sharing to default.
    if (event.data.outcome === 'move-to-default')
      await this.view.setEntry(event.data.entryId, { sharingMode: 'default', updatedAt: at(event) });
  }

  @EventPattern('vn.openlgsp.catalogue.entry.withdrawn.v1')
  async onWithdrawn(@Payload() event: LgspEvent<EntryWithdrawnV1>) {
    await this.view.setEntry(event.data.entryId, { status: 'withdrawn', updatedAt: at(event) });
  }

  @EventPattern('vn.openlgsp.catalogue.service.declared.v1')
  onDeclared(@Payload() event: LgspEvent<ServiceDeclaredV1>) {
    return this.putService(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.updated.v1')
  onUpdated(@Payload() event: LgspEvent<ServiceUpdatedV1>) {
    return this.putService(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.suspended.v1')
  onSuspended(@Payload() event: LgspEvent<ServiceSuspendedV1>) {
    return this.view.setService(event.data.serviceId, { status: 'suspended', updatedAt: at(event) });
  }

  @EventPattern('vn.openlgsp.catalogue.service.resumed.v1')
  onResumed(@Payload() event: LgspEvent<ServiceResumedV1>) {
    return this.view.setService(event.data.serviceId, { status: 'active', updatedAt: at(event) });
  }

  @EventPattern('vn.openlgsp.catalogue.service.retired.v1')
  async onRetired(@Payload() event: LgspEvent<ServiceRetiredV1>) {
    await this.view.setService(event.data.serviceId, { status: 'retired', updatedAt: at(event) });
  }

  private async putEntry(event: LgspEvent<EntryListedV1 | EntryAmendedV1>) {
    const { entryId, version, content } = event.data;
    const current = await this.view.entry(entryId);
    await this.view.putEntry({
      _id: entryId,
      version,
      name: content.name,
      ownerAgency: content.ownerAgency,
      sharingMode: content.sharingMode,
      open: content.open ?? false,
      fields: content.dataFields.map((f) => f.name),
      personalFields: content.dataFields.filter((f) => f.personal).map((f) => f.name),
      // An amendment never brings back a withdrawn entry.
      status: current?.status ?? 'listed',
      updatedAt: at(event),
    });
  }

  private putService(event: LgspEvent<ServiceDeclaredV1 | ServiceUpdatedV1>) {
    const d = event.data;
    return this.view.putService({
      _id: d.serviceId,
      entryId: d.entryId,
      providerAgency: d.providerAgency,
      name: d.name,
      status: d.status,
      updatedAt: at(event),
    });
  }
}
