import { Inject, Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import { MONGO_CONNECTION } from '@openlgsp/persistence';

/** What the store keeps of an archive: where the chain was cut, and the file that holds what was cut. */
export interface ArchiveManifest {
  fromSeq: number;
  toSeq: number;
  /** The hash entry fromSeq links to. */
  prevHash: string;
  /** The hash of entry toSeq: the first entry kept in the store links to it. */
  lastHash: string;
  file: string;
  /** SHA-256 of the file's bytes. */
  sha256: string;
  entries: number;
  createdAt: string;
}
type ManifestDoc = ArchiveManifest & { _id: string };

@Injectable()
export class ArchivesStore {
  readonly manifests: mongo.Collection<ManifestDoc>;
  private readonly leases: mongo.Collection<{ _id: string; until: string; holder: string }>;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.manifests = connection.db!.collection<ManifestDoc>('archives');
    this.leases = connection.db!.collection('leases');
  }

  async all(): Promise<ArchiveManifest[]> {
    const docs = await this.manifests.find({}).sort({ _id: 1 }).toArray();
    return docs.map(({ _id, ...m }) => m);
  }

  /** The most recent cut: the store's entries continue from its toSeq + 1. */
  async last(): Promise<ArchiveManifest | undefined> {
    const [doc] = await this.manifests.find({}).sort({ _id: -1 }).limit(1).toArray();
    if (!doc) return undefined;
    const { _id, ...m } = doc;
    return m;
  }

  async add(m: ArchiveManifest): Promise<void> {
    await this.manifests.insertOne({ _id: String(m.fromSeq).padStart(15, '0'), ...m });
  }

  /** One archiver at a time across instances, for `ms`; false when another holds it. */
  async lease(holder: string, now: Date, ms: number): Promise<boolean> {
    try {
      const r = await this.leases.updateOne(
        { _id: 'archive', until: { $lt: now.toISOString() } },
        { $set: { until: new Date(now.getTime() + ms).toISOString(), holder } },
        { upsert: true },
      );
      return r.modifiedCount + r.upsertedCount === 1;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async release(holder: string): Promise<void> {
    await this.leases.deleteOne({ _id: 'archive', holder });
  }
}
