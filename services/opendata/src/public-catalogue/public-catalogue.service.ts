import { Inject, Injectable } from '@nestjs/common';
import type { DatasetDistribution, DatasetMetadata } from '@openlgsp/contracts';
import { NotFoundError } from '@openlgsp/domain';
import { InvalidCursorError } from '@openlgsp/persistence';
import type { CatalogDataset } from '../dcat/dcat.serialiser.js';
import type { DatasetVersion } from '../datasets/dataset.model.js';
import { objectKeyOf } from '../downloads/object-key.js';
import type {
  DatasetSummary,
  PublicActivity,
  PublicDataset,
  PublicPublisher,
  PublicVersion,
  SearchEntry,
} from './public-catalogue.model.js';
import { PUBLIC_CATALOGUE_CONFIG, type PublicCatalogueConfig } from './public-catalogue.config.js';
import { PublicCatalogueRepository } from './public-catalogue.repository.js';
import {
  FACETS,
  pageAfter,
  runSearch,
  type FacetClause,
  type FacetCounts,
  type FacetName,
  type Ranked,
  type SearchQuery,
} from './public-search.js';

export const MAX_LIMIT = 100;

export interface SearchParams {
  q?: string;
  theme?: string[];
  publisher?: string[];
  format?: string[];
  licence?: string[];
  keyword?: string[];
  limit?: number;
  cursor?: string;
}

export interface SearchResult {
  total: number;
  items: DatasetSummary[];
  /** Value → count over every match, for each facet. */
  facets: FacetCounts;
  /** The next page's cursor, null on the last page. */
  next: string | null;
}

export interface DatasetView {
  id: string;
  entryId: string;
  status: 'published' | 'retracted';
  version: number;
  issued: string;
  modified: string;
  retraction: { cause: string; reason: string; at: string } | null;
  versions: { version: number; publishedAt: string }[];
  metadata: DatasetMetadata;
  distributions: DatasetDistribution[];
}

export interface VersionView {
  id: string;
  version: number;
  publishedAt: string;
  metadata: DatasetMetadata;
  distributions: DatasetDistribution[];
}

export interface PublisherView {
  code: string;
  name: string;
  nationalId?: string;
  since: string;
  datasets: number;
}

export interface ChangeView {
  id: string;
  datasetId: string;
  kind: PublicActivity['kind'];
  version: number;
  at: string;
  title: string | null;
}

/**
 * The query side of the public catalogue: what the portal pages, the public API, DCAT and CKAN read.
 * Searches filter a per-process copy of the search entries (see PublicCatalogueRepository.searchEntries,
 * at most MAX_SEARCH_ENTRIES) and load the page's datasets by `_id`.
 */
@Injectable()
export class PublicCatalogueService {
  constructor(
    private readonly store: PublicCatalogueRepository,
    @Inject(PUBLIC_CATALOGUE_CONFIG) readonly config: PublicCatalogueConfig,
  ) {}

  async search(params: SearchParams): Promise<SearchResult> {
    const clauses: FacetClause[] = [];
    for (const facet of FACETS) {
      const values = params[facet];
      if (values?.length) clauses.push({ facet, values });
    }
    const { ranked, facets } = await this.rank({ q: params.q ?? null, clauses });
    let page: ReturnType<typeof pageAfter>;
    try {
      page = pageAfter(ranked, params.cursor, Math.min(params.limit ?? 20, MAX_LIMIT));
    } catch {
      throw new InvalidCursorError();
    }
    // The entries carry what a result list shows: a page costs no further read.
    return { total: ranked.length, items: page.items.map((r) => r.entry.summary), facets, next: page.next };
  }

  /** The ranked matches and facet counts of any query (CKAN's package_search runs here too). */
  async rank(query: SearchQuery): Promise<{ ranked: Ranked[]; facets: FacetCounts }> {
    return runSearch(await this.store.searchEntries(), query);
  }

  /** The public datasets of ranked matches, in their order. */
  async load(ranked: readonly Ranked[]): Promise<PublicDataset[]> {
    const docs = await Promise.all(ranked.map((r) => this.store.pageDataset(r.entry._id)));
    return docs.filter((d): d is PublicDataset => d !== null && d.current !== null);
  }

  async dataset(id: string): Promise<DatasetView> {
    return viewOf(await this.publicDataset(id));
  }

  /** A dataset with a public version, retracted or not; NotFoundError otherwise. */
  async publicDataset(id: string): Promise<PublicDataset & { current: PublicVersion }> {
    const doc = await this.store.dataset(id);
    if (!doc?.current) throw new NotFoundError('dataset', id);
    return doc as PublicDataset & { current: PublicVersion };
  }

  async version(id: string, n: number): Promise<VersionView> {
    const v = await this.publicVersion(id, n);
    return {
      id: v.datasetId,
      version: v.version,
      publishedAt: new Date(v.publishedAt).toISOString(),
      metadata: v.metadata,
      distributions: v.distributions,
    };
  }

  async publicVersion(id: string, n: number): Promise<PublicVersion> {
    const v = await this.store.version(id, n);
    if (!v) throw new NotFoundError('dataset version', `${id} v${n}`);
    return v;
  }

  async publisher(code: string): Promise<PublisherView> {
    const p = await this.store.publisher(code);
    if (!p) throw new NotFoundError('publisher', code);
    return publisherView(p, await this.datasetCounts());
  }

  /** Agencies that publish open data, with their public (not retracted) dataset counts. */
  async publishers(): Promise<PublisherView[]> {
    const counts = await this.datasetCounts();
    return (await this.store.allPublishers()).map((p) => publisherView(p, counts));
  }

  async publisherRecords(): Promise<PublicPublisher[]> {
    return this.store.allPublishers();
  }

  async publisherRecord(code: string): Promise<PublicPublisher | null> {
    return this.store.publisher(code);
  }

  async datasetCounts(): Promise<Record<string, number>> {
    return (await this.rank({ clauses: [] })).facets.publisher;
  }

  /** The latest changes of the catalogue, newest first (publications, updates, retractions). */
  async recentlyChanged(limit = 20, offset = 0): Promise<ChangeView[]> {
    const activities = await this.store.recentActivities(
      Math.min(Math.max(limit, 1), MAX_LIMIT * 10),
      offset,
    );
    const titles = new Map<string, string | null>();
    for (const a of activities)
      if (!titles.has(a.datasetId))
        titles.set(a.datasetId, (await this.store.dataset(a.datasetId))?.current?.metadata.title.vi ?? null);
    return activities.map((a) => ({
      id: a._id,
      datasetId: a.datasetId,
      kind: a.kind,
      version: a.version,
      at: new Date(a.at).toISOString(),
      title: titles.get(a.datasetId) ?? null,
    }));
  }

  async activities(limit: number, offset: number): Promise<PublicActivity[]> {
    return this.store.recentActivities(limit, offset);
  }

  /** The search entries as stored, read from the store every time (the benchmark's baseline). */
  scanStore(filter: Record<string, unknown> = {}): Promise<SearchEntry[]> {
    return this.store.scanSearchEntries(filter);
  }
}

/** A public dataset as the DCAT and CKAN mappings take it. */
export function catalogDatasetOf(doc: PublicDataset, version: PublicVersion = doc.current!): CatalogDataset {
  const full: DatasetVersion = {
    ...version,
    publishedAt: new Date(version.publishedAt),
    // Not public: the officer who published it; the object keys follow from the checksums.
    publishedBy: '',
    objectKeys: Object.fromEntries(
      version.distributions.filter((d) => d.sha256).map((d) => [d.distributionId, objectKeyOf(d.sha256!)]),
    ),
  };
  return {
    version: full,
    issued: new Date(doc.issued ?? version.publishedAt),
    retracted: doc.retraction !== null,
  };
}

function viewOf(doc: PublicDataset & { current: PublicVersion }): DatasetView {
  const v = doc.current;
  return {
    id: doc._id,
    entryId: v.entryId,
    status: doc.retraction ? 'retracted' : 'published',
    version: v.version,
    issued: new Date(doc.issued ?? v.publishedAt).toISOString(),
    modified: new Date(v.publishedAt).toISOString(),
    retraction: doc.retraction
      ? {
          cause: doc.retraction.cause,
          reason: doc.retraction.reason,
          at: new Date(doc.retraction.at).toISOString(),
        }
      : null,
    versions: doc.versions.map((x) => ({
      version: x.version,
      publishedAt: new Date(x.publishedAt).toISOString(),
    })),
    metadata: v.metadata,
    distributions: v.distributions,
  };
}

function publisherView(p: PublicPublisher, counts: Record<string, number>): PublisherView {
  return {
    code: p._id,
    name: p.name,
    ...(p.nationalId ? { nationalId: p.nationalId } : {}),
    since: new Date(p.since).toISOString(),
    datasets: counts[p._id] ?? 0,
  };
}

export type { DatasetSummary, FacetName };
