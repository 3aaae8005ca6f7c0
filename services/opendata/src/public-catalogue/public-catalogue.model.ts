import type {
  DatasetDistribution,
  DatasetMetadata,
  DatasetRetractedV1,
  DatasetText,
} from '@openlgsp/contracts';

/**
 * The public read model: a projection of the OPENDATA stream's dataset events only (published and
 * updated carry a complete version, retracted its cause), so the change feed alone rebuilds it.
 */

/** One published version as the change feed carried it; immutable. Stored under `<datasetId>:<n>`. */
export interface PublicVersion {
  datasetId: string;
  entryId: string;
  ownerAgency: string;
  version: number;
  publishedAt: Date;
  metadata: DatasetMetadata;
  distributions: DatasetDistribution[];
}

export interface PublicRetraction {
  cause: DatasetRetractedV1['cause'];
  reason: string;
  /** The last published version when it was retracted. */
  version: number;
  at: Date;
}

/** A dataset as the public sees it: its latest version, its version list, and its retraction if any. */
export interface PublicDataset {
  _id: string;
  /** The highest version applied; 0 when only the retraction has arrived (events out of order). */
  latestVersion: number;
  current: PublicVersion | null;
  /** When version 1 was published (first known publication when older events were lost). */
  issued: Date | null;
  /** A retracted dataset stays readable by id, marked retracted, and leaves lists and searches. */
  retraction: PublicRetraction | null;
  versions: { version: number; publishedAt: Date }[];
  updatedAt: Date;
}

/**
 * What a search reads: small, one per dataset, with folded text (accent-free, lower case) and the
 * facet fields, apart from the full versions so a search scans little.
 */
export interface SearchEntry {
  _id: string;
  /** Folded title, description and keywords in every language. */
  text: string;
  /** Folded Vietnamese and English titles, which rank a match first. */
  titleText: string;
  /** The Vietnamese title as written, to sort by title. */
  title: string;
  themes: string[];
  publisher: string;
  formats: string[];
  licence: string;
  keywords: string[];
  retracted: boolean;
  issued: Date;
  modified: Date;
  /** What a result list shows, so a page of results is answered from the entries alone. */
  summary: DatasetSummary;
}

/** A dataset in a result list. */
export interface DatasetSummary {
  id: string;
  status: 'published' | 'retracted';
  version: number;
  title: DatasetText;
  description: DatasetMetadata['description'];
  publisher: { code: string; name: string };
  themes: string[];
  formats: string[];
  licence: string;
  keywords: string[];
  issued: string;
  modified: string;
}

/** One change of the public catalogue, for the "recently changed" list and CKAN's activity stream. */
export interface PublicActivity {
  /** The event id (UUIDv7, so ids sort by time). */
  _id: string;
  datasetId: string;
  kind: 'published' | 'updated' | 'retracted';
  version: number;
  at: Date;
}

/** A publishing agency, as its datasets' metadata name it. */
export interface PublicPublisher {
  _id: string;
  name: string;
  nationalId?: string;
  /** Its first publication: CKAN's organization `created`. */
  since: Date;
  updatedAt: Date;
}
