import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type {
  AgencyRegisteredV1,
  AgencyUpdatedV1,
  EntryAmendedV1,
  EntryListedV1,
  EntryWithdrawnV1,
  ServiceDeclaredV1,
  ServiceResumedV1,
  ServiceRetiredV1,
  ServiceSuspendedV1,
  ServiceUpdatedV1,
} from '@openlgsp/contracts';
import type { ConsumerSpec, LgspEvent } from '@openlgsp/events';
import { DatasetsService } from '../datasets/datasets.service.js';
import type { CatalogueServiceView } from './catalogue-view.model.js';
import { CatalogueViewRepository } from './catalogue-view.repository.js';
import {
  agencyFrom,
  entryContent,
  entryWithdrawn,
  serviceDeclared,
  serviceStatus,
} from './catalogue-view.rules.js';

const at = (e: LgspEvent) => new Date(e.time ?? Date.now());

/** Opendata's view of the catalogue is built only from catalogue facts. */
export const OPENDATA_CATALOGUE: ConsumerSpec = {
  durable: 'opendata-catalogue',
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.>'],
  unhandled: 'skip',
};

/**
 * The catalogue's facts, as opendata needs them: which entries are open and listed, their owners, the
 * sharing services a distribution may name, the publishers' names. A withdrawal also retracts the
 * entry's datasets (004 Điều 4.2). Every handler is idempotent: the rules ignore repeats and older facts.
 */
@Controller()
export class CatalogueFeedHandlers {
  constructor(
    private readonly view: CatalogueViewRepository,
    private readonly datasets: DatasetsService,
  ) {}

  @EventPattern('vn.openlgsp.catalogue.entry.listed.v1')
  onListed(@Payload() event: LgspEvent<EntryListedV1>) {
    return this.putEntry(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.amended.v1')
  onAmended(@Payload() event: LgspEvent<EntryAmendedV1>) {
    return this.putEntry(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.withdrawn.v1')
  async onWithdrawn(@Payload() event: LgspEvent<EntryWithdrawnV1>) {
    const next = entryWithdrawn(await this.view.entry(event.data.entryId), event.data, at(event));
    if (next) await this.view.putEntry(next);
    // Run on every delivery, not only the first: a crash after the view's write still retracts.
    await this.datasets.retractForWithdrawnEntry(event.data.entryId, event.data.reason);
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
    return this.setStatus(event, 'suspended');
  }

  @EventPattern('vn.openlgsp.catalogue.service.resumed.v1')
  onResumed(@Payload() event: LgspEvent<ServiceResumedV1>) {
    return this.setStatus(event, 'active');
  }

  @EventPattern('vn.openlgsp.catalogue.service.retired.v1')
  onRetired(@Payload() event: LgspEvent<ServiceRetiredV1>) {
    return this.setStatus(event, 'retired');
  }

  @EventPattern('vn.openlgsp.catalogue.agency.registered.v1')
  onAgencyRegistered(@Payload() event: LgspEvent<AgencyRegisteredV1>) {
    return this.view.putAgency(agencyFrom(event.data));
  }

  @EventPattern('vn.openlgsp.catalogue.agency.updated.v1')
  onAgencyUpdated(@Payload() event: LgspEvent<AgencyUpdatedV1>) {
    return this.view.putAgency(agencyFrom(event.data));
  }

  private async putEntry(event: LgspEvent<EntryListedV1 | EntryAmendedV1>) {
    const next = entryContent(await this.view.entry(event.data.entryId), event.data, at(event));
    if (next) await this.view.putEntry(next);
  }

  private async putService(event: LgspEvent<ServiceDeclaredV1 | ServiceUpdatedV1>) {
    const next = serviceDeclared(await this.view.service(event.data.serviceId), event.data, at(event));
    if (next) await this.view.putService(next);
  }

  private async setStatus(event: LgspEvent<{ serviceId: string }>, status: CatalogueServiceView['status']) {
    const next = serviceStatus(await this.view.service(event.data.serviceId), status, at(event));
    if (next) await this.view.putService(next);
  }
}
