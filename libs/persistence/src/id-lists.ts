import type { Connection } from 'mongoose';

/** Statements per bulk write: FerretDB v1 cannot run an update command of 100 (see MARK_CHUNK). */
const CHUNK = 25;

interface IdList {
  _id: string;
  ids: string[];
}

/** Marks that the lists hold every document stored before they existed (filled once, by a scan). */
const FILLED = '~filled';

/**
 * Lists of document ids keyed by what they are looked up by (`entry|<entryId>`), one document per
 * key, so that "the grants of an entry" is a read by `_id`: FerretDB v1 reads the whole collection for
 * any other filter (`{ entryId }` included), MongoDB would use an index. No transaction joins a list
 * and its documents, so the order of writes keeps them safe: an id is added before its document is
 * stored (a list is never short) and removed after its document left the list's scope; readers
 * re-read each document by `_id` and check it still belongs (a stale id is skipped, never trusted).
 */
export class IdLists {
  private filled?: Promise<void>;

  constructor(
    private readonly connection: Connection,
    readonly collection: string,
    /**
     * Every (key, id) pair of the documents stored before the lists existed: read once per database
     * (a scan, at the first lookup), then a marker says it was done.
     */
    private readonly existing: () => AsyncIterable<[key: string, id: string]>,
  ) {}

  private get lists() {
    return this.connection.collection<IdList>(this.collection);
  }

  /** Adds `id` to each key's list: before the document is stored. */
  async add(keys: string[], id: string): Promise<void> {
    await Promise.all(keys.map((key) => this.upsert(key, { $addToSet: { ids: id } })));
  }

  /** Removes `id` from each key's list: after the document left the keys' scope (ended, moved). */
  async remove(keys: string[], id: string): Promise<void> {
    await Promise.all(keys.map((key) => this.lists.updateOne({ _id: key }, { $pull: { ids: id } })));
  }

  /** The ids listed under `key` (a superset of the documents that belong there: check each). */
  async ids(key: string): Promise<string[]> {
    await (this.filled ??= this.fillOnce().catch((err: unknown) => {
      this.filled = undefined;
      throw err;
    }));
    return (await this.lists.findOne({ _id: key }))?.ids ?? [];
  }

  private async upsert(key: string, update: { $addToSet: { ids: string | { $each: string[] } } }) {
    try {
      await this.lists.updateOne({ _id: key }, update, { upsert: true });
    } catch (err) {
      // Two first writes of one key raced to insert its list; it exists now.
      if ((err as { code?: number }).code !== 11000) throw err;
      await this.lists.updateOne({ _id: key }, update);
    }
  }

  private async fillOnce(): Promise<void> {
    if (await this.lists.findOne({ _id: FILLED })) return;
    const byKey = new Map<string, string[]>();
    for await (const [key, id] of this.existing()) byKey.set(key, [...(byKey.get(key) ?? []), id]);
    const lists = [...byKey];
    for (let i = 0; i < lists.length; i += CHUNK)
      await this.lists.bulkWrite(
        lists.slice(i, i + CHUNK).map(([key, ids]) => ({
          updateOne: { filter: { _id: key }, update: { $addToSet: { ids: { $each: ids } } }, upsert: true },
        })),
        { ordered: false },
      );
    await this.lists.updateOne({ _id: FILLED }, { $set: { ids: [] } }, { upsert: true });
  }
}
