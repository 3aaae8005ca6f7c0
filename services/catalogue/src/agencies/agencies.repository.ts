import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import type { AgencyState } from './agency.model.js';
import { AgencySchema } from './agency.schema.js';

@Injectable()
export class AgenciesRepository extends AggregateRepositoryOf<AgencyState>('agency', 'Agency', AgencySchema) {
  async withFoldedCode(codeFolded: string): Promise<AgencyState | null> {
    return (await this.model.findOne({ codeFolded }, { outbox: 0 }).lean()) as AgencyState | null;
  }

  async all(limit = 2_000): Promise<AgencyState[]> {
    return (await this.model.find({}, { outbox: 0 }).sort({ _id: 1 }).limit(limit).lean()) as AgencyState[];
  }
}
