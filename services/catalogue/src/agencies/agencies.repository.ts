import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay, type LgspEvent } from '@openlgsp/events';
import { AggregateRepositoryOf, IdLists, MONGO_CONNECTION, type WriteOptions } from '@openlgsp/persistence';
import { createLogger } from '@openlgsp/telemetry';
import type { AgencyState } from './agency.model.js';
import { AgencySchema } from './agency.schema.js';

@Injectable()
export class AgenciesRepository
  extends AggregateRepositoryOf<AgencyState>('agency', 'Agency', AgencySchema)
  implements OnModuleInit
{
  /**
   * The agencies of each folded code, by `_id`: registering an agency looks its code up in any letter
   * case, and `{ codeFolded }` reads the whole collection on FerretDB v1 (issue 12). The unique index
   * on `codeFolded` still decides on MongoDB; the list only finds.
   */
  private readonly byFoldedCode: IdLists;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(connection, relay, events);
    this.byFoldedCode = new IdLists(connection, 'agencies_of_folded_code', () => this.everyAgency());
  }

  override async insert(
    doc: Omit<AgencyState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<AgencyState> = {},
  ): Promise<AgencyState> {
    await this.byFoldedCode.add([doc.codeFolded], doc._id);
    return super.insert(doc, events, options);
  }

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
    const ids = await this.byFoldedCode.ids(codeFolded);
    const found = await Promise.all(ids.map((id) => this.find(id)));
    return found.find((a) => a?.codeFolded === codeFolded) ?? null;
  }

  /** Agencies registered before the lists existed (read once per database, after onModuleInit). */
  private async *everyAgency(): AsyncGenerator<[string, string]> {
    for await (const a of this.model.find({}, { codeFolded: 1 }).lean().cursor()) {
      const { _id, codeFolded } = a as unknown as { _id: string; codeFolded: string };
      yield [codeFolded, _id];
    }
  }

  async all(limit = 2_000): Promise<AgencyState[]> {
    return (await this.model.find({}, { outbox: 0 }).sort({ _id: 1 }).limit(limit).lean()) as AgencyState[];
  }
}
