import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model, Schema } from 'mongoose';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type {
  PublicActivity,
  PublicDataset,
  PublicPublisher,
  PublicVersion,
  SearchEntry,
} from './public-catalogue.model.js';
import {
  GenerationSchema,
  PublicActivitySchema,
  PublicDatasetSchema,
  PublicPublisherSchema,
  PublicVersionSchema,
  SearchEntrySchema,
} from './public-catalogue.schema.js';

/** A search reads at most this many entries (the province publishes a few thousand datasets). */
export const MAX_SEARCH_ENTRIES = 50_000;
const MAX_PUBLISHERS = 2_000;
const MAX_PAGE_CACHE = 5_000;
const SEARCH = 'search';

function model<T>(connection: Connection, name: string, schema: Schema): Model<T> {
  return (connection.models[name] ?? connection.model(name, schema)) as Model<T>;
}

/**
 * The public read model's store. Written only by the `opendata-public` consumer's handlers, one event
 * at a time in stream order, so writes are plain upserts by `_id`; reads by `_id` but for the search,
 * which reads the small search entries (see `searchEntries`).
 */
@Injectable()
export class PublicCatalogueRepository {
  private readonly datasets: Model<PublicDataset>;
  private readonly versions: Model<PublicVersion & { _id: string }>;
  private readonly search: Model<SearchEntry>;
  private readonly activities: Model<PublicActivity>;
  private readonly publishers: Model<PublicPublisher>;
  private readonly generations: Model<{ _id: string; generation: number }>;
  private snapshot: { generation: number; entries: SearchEntry[] } | null = null;
  /** Datasets read for result pages, valid for the snapshot's generation (cleared when it moves). */
  private readonly pageCache = new Map<string, PublicDataset>();
  /** The reload under way and the generation it was started for. */
  private loading: { generation: number; entries: Promise<SearchEntry[]> } | null = null;

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.datasets = model(connection, 'PublicDataset', PublicDatasetSchema);
    this.versions = model(connection, 'PublicVersion', PublicVersionSchema);
    this.search = model(connection, 'SearchEntry', SearchEntrySchema);
    this.activities = model(connection, 'PublicActivity', PublicActivitySchema);
    this.publishers = model(connection, 'PublicPublisher', PublicPublisherSchema);
    this.generations = model(connection, 'PublicGeneration', GenerationSchema);
  }

  async dataset(id: string): Promise<PublicDataset | null> {
    return (await this.datasets.findById(id).lean()) as PublicDataset | null;
  }

  /**
   * A dataset for a result page (CKAN's package_search): FerretDB runs one command at a time, so
   * 20 reads per request do not scale; datasets read once stay here until the generation moves.
   */
  async pageDataset(id: string): Promise<PublicDataset | null> {
    const cached = this.pageCache.get(id);
    if (cached) return cached;
    const doc = await this.dataset(id);
    if (doc) {
      if (this.pageCache.size >= MAX_PAGE_CACHE) this.pageCache.clear();
      this.pageCache.set(id, doc);
    }
    return doc;
  }

  async version(id: string, n: number): Promise<PublicVersion | null> {
    const doc = (await this.versions.findById(`${id}:${n}`).lean()) as
      (PublicVersion & { _id?: string }) | null;
    if (!doc) return null;
    const { _id: _ignored, ...version } = doc;
    return version;
  }

  async putVersion(version: PublicVersion): Promise<void> {
    const _id = `${version.datasetId}:${version.version}`;
    await this.versions.replaceOne({ _id }, { _id, ...version }, { upsert: true });
  }

  async putDataset(doc: PublicDataset): Promise<void> {
    await this.datasets.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  /** Writes a search entry, then moves the generation so every reader's copy is renewed. */
  async putSearchEntry(entry: SearchEntry): Promise<void> {
    await this.search.replaceOne({ _id: entry._id }, entry, { upsert: true });
    await this.generations.updateOne({ _id: SEARCH }, { $inc: { generation: 1 } }, { upsert: true });
  }

  /**
   * Every search entry. FerretDB v1 reads a whole collection for any filter but `_id`, so a search
   * filters in memory over a copy kept per process, renewed when the generation (one `_id` read) has
   * moved: each request costs one `_id` lookup, and a change is seen by the next request. Bounded by
   * MAX_SEARCH_ENTRIES.
   */
  async searchEntries(): Promise<SearchEntry[]> {
    const generation =
      ((await this.generations.findById(SEARCH).lean()) as { generation: number } | null)?.generation ?? 0;
    if (this.snapshot && this.snapshot.generation === generation) return this.snapshot.entries;
    this.pageCache.clear();
    // One reload at a time: requests arriving meanwhile wait for the same one, unless they saw a newer
    // generation than it was started for (it may have read the entries before that change).
    while (this.loading && this.loading.generation < generation)
      await this.loading.entries.catch(() => undefined);
    if (this.snapshot && this.snapshot.generation >= generation) return this.snapshot.entries;
    this.loading ??= {
      generation,
      entries: (async () => {
        try {
          const entries = (await this.search.find({}).limit(MAX_SEARCH_ENTRIES).lean()) as SearchEntry[];
          if (!this.snapshot || this.snapshot.generation < generation)
            this.snapshot = { generation, entries };
          return entries;
        } finally {
          this.loading = null;
        }
      })(),
    };
    return this.loading.entries;
  }

  /** The same search run on the store itself, every time (the benchmark's baseline). */
  async scanSearchEntries(filter: Record<string, unknown> = {}): Promise<SearchEntry[]> {
    return (await this.search.find(filter).limit(MAX_SEARCH_ENTRIES).lean()) as SearchEntry[];
  }

  async addActivity(activity: PublicActivity): Promise<void> {
    await this.activities.replaceOne({ _id: activity._id }, activity, { upsert: true });
  }

  /** Newest first (event ids are UUIDv7, so they sort by time). */
  async recentActivities(limit: number, offset = 0): Promise<PublicActivity[]> {
    return (await this.activities
      .find({})
      .sort({ _id: -1 })
      .skip(offset)
      .limit(limit)
      .lean()) as PublicActivity[];
  }

  async publisher(code: string): Promise<PublicPublisher | null> {
    return (await this.publishers.findById(code).lean()) as PublicPublisher | null;
  }

  async putPublisher(publisher: PublicPublisher): Promise<void> {
    await this.publishers.replaceOne({ _id: publisher._id }, publisher, { upsert: true });
  }

  async allPublishers(): Promise<PublicPublisher[]> {
    return (await this.publishers
      .find({})
      .sort({ _id: 1 })
      .limit(MAX_PUBLISHERS)
      .lean()) as PublicPublisher[];
  }
}
