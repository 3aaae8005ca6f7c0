import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import type { SharingServiceState } from './sharing-service.model.js';
import { SharingServiceSchema } from './sharing-service.schema.js';

@Injectable()
export class SharingServicesRepository extends AggregateRepositoryOf<SharingServiceState>(
  'sharing service',
  'SharingService',
  SharingServiceSchema,
) {
  async ofEntry(entryId: string): Promise<SharingServiceState[]> {
    return (await this.model
      .find({ entryId }, { outbox: 0 })
      .sort({ _id: 1 })
      .limit(1_000)
      .lean()) as SharingServiceState[];
  }

  get collection() {
    return this.model;
  }
}
