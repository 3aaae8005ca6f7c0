import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DatasetPublishedV1, DatasetRetractedV1, DatasetUpdatedV1 } from '@openlgsp/contracts';
import type { ConsumerSpec, LgspEvent } from '@openlgsp/events';
import { PublicCatalogueProjection } from './public-catalogue.projection.js';

/** The public read model follows the OPENDATA stream's dataset events (the public change feed). */
export const OPENDATA_PUBLIC: ConsumerSpec = {
  durable: 'opendata-public',
  stream: 'OPENDATA',
  filterSubjects: ['lgsp.opendata.dataset.>'],
  unhandled: 'skip',
};

@Controller()
export class PublicCatalogueHandlers {
  constructor(private readonly projection: PublicCatalogueProjection) {}

  @EventPattern('vn.openlgsp.opendata.dataset.published.v1')
  onPublished(@Payload() event: LgspEvent<DatasetPublishedV1>) {
    return this.projection.onVersion(event);
  }

  @EventPattern('vn.openlgsp.opendata.dataset.updated.v1')
  onUpdated(@Payload() event: LgspEvent<DatasetUpdatedV1>) {
    return this.projection.onVersion(event);
  }

  @EventPattern('vn.openlgsp.opendata.dataset.retracted.v1')
  onRetracted(@Payload() event: LgspEvent<DatasetRetractedV1>) {
    return this.projection.onRetracted(event);
  }
}
