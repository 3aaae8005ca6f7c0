import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AggregateRepositoryOf } from '@openlgsp/persistence';
import { createLogger } from '@openlgsp/telemetry';
import type { AgencyState } from './agency.model.js';
import { AgencySchema } from './agency.schema.js';

@Injectable()
export class AgenciesRepository
  extends AggregateRepositoryOf<AgencyState>('agency', 'Agency', AgencySchema)
  implements OnModuleInit
{
  /** Agencies registered before codes were folded get their folded code, so the unique index holds. */
  async onModuleInit(): Promise<void> {
    const unfolded = await this.model.find({ codeFolded: { $exists: false } }, { _id: 1 }).lean();
    for (const { _id } of unfolded as { _id: string }[])
      await this.model.updateOne({ _id }, { $set: { codeFolded: _id.toLowerCase() } });
    try {
      await this.model.createIndexes();
    } catch (err) {
      // Two agencies already registered under one code in two cases: say so, keep serving.
      createLogger('catalogue').error({ err }, 'agency codes that differ only in letter case are registered');
    }
  }

  async withFoldedCode(codeFolded: string): Promise<AgencyState | null> {
    return (await this.model.findOne({ codeFolded }, { outbox: 0 }).lean()) as AgencyState | null;
  }

  async all(limit = 2_000): Promise<AgencyState[]> {
    return (await this.model.find({}, { outbox: 0 }).sort({ _id: 1 }).limit(limit).lean()) as AgencyState[];
  }
}
