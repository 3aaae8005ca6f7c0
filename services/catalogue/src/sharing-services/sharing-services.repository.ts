import { Injectable } from '@nestjs/common';
import type { LgspEvent } from '@openlgsp/events';
import { AggregateRepositoryOf, type WriteOptions } from '@openlgsp/persistence';
import type { SharingServiceState } from './sharing-service.model.js';
import { SharingServiceSchema } from './sharing-service.schema.js';

/** Retiring an entry's services reads at most this many (an entry has a handful). */
const PER_ENTRY = 1_000;

/**
 * The services declared for one entry, keyed by the entry's id: what an entry's withdrawal reads,
 * by `_id` (FerretDB v1 scans the whole collection for `{ entryId }`). An id is added before its
 * service is stored, so the list is never short; one whose insert failed is skipped on read.
 */
interface ServicesOfEntry {
  _id: string;
  serviceIds: string[];
}
/** Marks that the lists hold every service stored before they existed (filled once, by a scan). */
const FILLED = '~filled';

@Injectable()
export class SharingServicesRepository extends AggregateRepositoryOf<SharingServiceState>(
  'sharing service',
  'SharingService',
  SharingServiceSchema,
) {
  private filled?: Promise<void>;

  private get ofEntries() {
    return this.model.db.collection<ServicesOfEntry>('sharing_services_of_entry');
  }

  override async insert(
    doc: Omit<SharingServiceState, 'outbox' | 'revision'> & { revision?: number },
    events: LgspEvent[],
    options: WriteOptions<SharingServiceState> = {},
  ): Promise<SharingServiceState> {
    await this.ofEntries.updateOne(
      { _id: doc.entryId },
      { $addToSet: { serviceIds: doc._id } },
      { upsert: true },
    );
    return super.insert(doc, events, options);
  }

  async ofEntry(entryId: string): Promise<SharingServiceState[]> {
    await (this.filled ??= this.fillOnce().catch((err: unknown) => {
      this.filled = undefined;
      throw err;
    }));
    const list = await this.ofEntries.findOne({ _id: entryId });
    const found = await Promise.all((list?.serviceIds ?? []).slice(0, PER_ENTRY).map((id) => this.find(id)));
    return found
      .filter((s): s is SharingServiceState => s !== null && s.entryId === entryId)
      .sort((a, b) => (a._id < b._id ? -1 : 1));
  }

  /** Services stored before the lists existed: one scan per database, ever (then the marker says so). */
  private async fillOnce(): Promise<void> {
    if (await this.ofEntries.findOne({ _id: FILLED })) return;
    const byEntry = new Map<string, string[]>();
    for await (const s of this.model.find({}, { entryId: 1 }).lean().cursor()) {
      const { _id, entryId } = s as unknown as { _id: string; entryId: string };
      byEntry.set(entryId, [...(byEntry.get(entryId) ?? []), _id]);
    }
    // In chunks: FerretDB v1 cannot run an update command of 100 statements (@openlgsp/persistence, markPublishedMany).
    const lists = [...byEntry];
    for (let i = 0; i < lists.length; i += 25)
      await this.ofEntries.bulkWrite(
        lists.slice(i, i + 25).map(([entryId, ids]) => ({
          updateOne: {
            filter: { _id: entryId },
            update: { $addToSet: { serviceIds: { $each: ids } } },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    await this.ofEntries.updateOne({ _id: FILLED }, { $set: { serviceIds: [] } }, { upsert: true });
  }

  get collection() {
    return this.model;
  }
}
