import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { EventFactory, OutboxRelay, type LgspEvent } from '@openlgsp/events';
import { AggregateRepositoryOf, IdLists, MONGO_CONNECTION, type WriteOptions } from '@openlgsp/persistence';
import type { SharingServiceState } from './sharing-service.model.js';
import { SharingServiceSchema } from './sharing-service.schema.js';

/** Retiring an entry's services reads at most this many (an entry has a handful). */
const PER_ENTRY = 1_000;

@Injectable()
export class SharingServicesRepository extends AggregateRepositoryOf<SharingServiceState>(
  'sharing service',
  'SharingService',
  SharingServiceSchema,
) {
  /**
   * The services declared for each entry, by `_id`: what an entry's withdrawal reads (FerretDB v1
   * scans the whole collection for `{ entryId }`). An id is added before its service is stored, so a
   * list is never short; one whose insert failed is skipped on read.
   */
  private readonly ofEntries: IdLists;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection, relay: OutboxRelay, events: EventFactory) {
    super(connection, relay, events);
    this.ofEntries = new IdLists(connection, 'sharing_services_of_scope', () => this.everyService());
  }

  override async insert(
    doc: Omit<SharingServiceState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<SharingServiceState> = {},
  ): Promise<SharingServiceState> {
    await this.ofEntries.add([`entry|${doc.entryId}`], doc._id);
    return super.insert(doc, events, options);
  }

  async ofEntry(entryId: string): Promise<SharingServiceState[]> {
    const ids = await this.ofEntries.ids(`entry|${entryId}`);
    const found = await Promise.all(ids.slice(0, PER_ENTRY).map((id) => this.find(id)));
    return found
      .filter((s): s is SharingServiceState => s !== null && s.entryId === entryId)
      .sort((a, b) => (a._id < b._id ? -1 : 1));
  }

  /** Services stored before the lists existed (read once per database). */
  private async *everyService(): AsyncGenerator<[string, string]> {
    for await (const s of this.model.find({}, { entryId: 1 }).lean().cursor()) {
      const { _id, entryId } = s as unknown as { _id: string; entryId: string };
      yield [`entry|${entryId}`, _id];
    }
  }

  get collection() {
    return this.model;
  }
}
