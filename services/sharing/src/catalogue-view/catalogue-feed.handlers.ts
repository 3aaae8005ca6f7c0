import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumerSpec, LgspEvent } from '@openlgsp/events';
import { CatalogueViewRepository } from './catalogue-view.repository.js';
import { catalogueViewChange, entryIdOf } from './catalogue-view.rules.js';

/** Sharing's own view of the catalogue is built only from catalogue facts (the grants feature's too). */
export const SHARING_CATALOGUE: ConsumerSpec = {
  durable: 'sharing-catalogue',
  stream: 'CATALOGUE',
  filterSubjects: ['lgsp.catalogue.>'],
  unhandled: 'skip',
};

/**
 * The catalogue's facts, as sharing needs them: what can be requested and how it is shared (the
 * mapping is catalogue-view.rules.ts). The grants on a withdrawn entry or a retired service end in the
 * grants feature's own handlers.
 */
@Controller()
export class CatalogueFeedHandlers {
  constructor(private readonly view: CatalogueViewRepository) {}

  @EventPattern('vn.openlgsp.catalogue.entry.listed.v1')
  onListed(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.amended.v1')
  onAmended(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.reviewed.v1')
  onReviewed(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.entry.withdrawn.v1')
  onWithdrawn(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.declared.v1')
  onDeclared(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.updated.v1')
  onUpdated(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.suspended.v1')
  onSuspended(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.resumed.v1')
  onResumed(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  @EventPattern('vn.openlgsp.catalogue.service.retired.v1')
  onRetired(@Payload() event: LgspEvent) {
    return this.apply(event);
  }

  private async apply(event: LgspEvent): Promise<void> {
    const entryId = entryIdOf(event);
    const change = catalogueViewChange(event, entryId ? await this.view.entry(entryId) : null);
    if (!change) return;
    if (change.kind === 'put-entry') await this.view.putEntry(change.view);
    else if (change.kind === 'set-entry') await this.view.setEntry(change.id, change.changes);
    else if (change.kind === 'put-service') await this.view.putService(change.view);
    else await this.view.setService(change.id, change.changes);
  }
}
