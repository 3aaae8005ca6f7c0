import type {
  DatasetContactPoint,
  DatasetDistribution,
  DatasetKeywords,
  DatasetLongText,
  DatasetMetadata,
  DatasetText,
  FileTypeCode,
  LegalReference,
  SpatialCoverage,
  TemporalCoverage,
} from '@openlgsp/contracts';
import type { TableSchema } from '../distributions/table-schema.js';

/**
 * An open dataset (tập dữ liệu mở) published for a catalogue entry marked open. Its owner drafts it;
 * a DIC editor reviews every change before it is published (003 Điều 7); each publication
 * is an immutable, numbered version, and earlier versions stay downloadable.
 *
 *   draft ──submit──▶ submitted ──publish──▶ published ──edit──▶ draft (version N stays public)
 *     ▲                   │
 *     └──edit── returned ◀┘ (with reasons)          any published state ──retract──▶ retracted
 */
export type DatasetStatus = 'draft' | 'submitted' | 'returned' | 'published' | 'retracted';

/** Metadata as drafted: incomplete until the publication check says otherwise (004 Điều 8.1). */
export interface DraftMetadata {
  title?: Partial<DatasetText>;
  description?: Partial<DatasetLongText>;
  keywords?: Partial<DatasetKeywords>;
  themes?: string[];
  contactPoint?: Partial<DatasetContactPoint>;
  spatial?: Partial<SpatialCoverage>;
  temporal?: TemporalCoverage;
  accrualPeriodicity?: string;
  /** An SPDX id from the configured list; the default licence when absent. */
  license?: string;
  legalBasis?: LegalReference[];
}

interface DistributionBase {
  distributionId: string;
  title?: Partial<DatasetText>;
  description?: Partial<DatasetLongText>;
}

/** The outcome of the content check of an uploaded file (csv-check), kept with the file. */
export interface FileCheckSummary {
  checkedAt: Date;
  rows: number;
  problems: number;
}

/** A file uploaded to the platform's object storage. */
export interface FileDistributionDraft extends DistributionBase {
  kind: 'file';
  fileName: string;
  /** Where the object store keeps it; never shown to the public. */
  objectKey: string;
  format: FileTypeCode;
  mediaType: string;
  byteSize: number;
  sha256: string;
  /** The Frictionless Table Schema its rows must match, when the owner declares one. */
  tableSchema?: TableSchema;
  /** Null until a tabular file has been checked. */
  check: FileCheckSummary | null;
}

/** A sharing service from the registry, reached through the LGSP. */
export interface ServiceDistributionDraft extends DistributionBase {
  kind: 'service';
  serviceId: string;
  format?: FileTypeCode;
}

/** An agency's own service at an external URL. */
export interface UrlDistributionDraft extends DistributionBase {
  kind: 'url';
  accessURL: string;
  format?: FileTypeCode;
  mediaType?: string;
}

export type DistributionDraft = FileDistributionDraft | ServiceDistributionDraft | UrlDistributionDraft;

export interface DatasetContent {
  metadata: DraftMetadata;
  distributions: DistributionDraft[];
}

/** One publication, immutable once made; the change feed carries it whole. */
export interface DatasetVersion {
  datasetId: string;
  entryId: string;
  ownerAgency: string;
  version: number;
  publishedAt: Date;
  /** The editor who published it. */
  publishedBy: string;
  metadata: DatasetMetadata;
  distributions: DatasetDistribution[];
  /** Where the files of this version are kept (distributionId → object key), never public. */
  objectKeys: Record<string, string>;
}

export type RetractionCause = 'owner' | 'dic' | 'entry-withdrawn';

export interface DatasetState {
  _id: string;
  revision: number;
  entryId: string;
  ownerAgency: string;
  status: DatasetStatus;
  /** The working copy the owner edits and the editor reviews. */
  draft: DatasetContent;
  /** The number of the latest published version; 0 before the first publication. */
  latestVersion: number;
  /** The latest published version, what the public sees (null before the first publication). */
  current: DatasetVersion | null;
  submittedAt: Date | null;
  /** The editor's last return, with reasons; kept until the next submission is published. */
  returned: { reasons: string[]; by: string; at: Date } | null;
  retraction: { cause: RetractionCause; reason: string; by: string; at: Date } | null;
  /** The local day the next update is due by, from the update frequency (null: none due). */
  nextUpdateDue: string | null;
  /** When version 1 was published; the open-data list's reviews count from it. */
  firstPublishedAt: Date | null;
  /** The last six-monthly review of the open-data list that covered this dataset. */
  lastReviewedAt: Date | null;
  /** The last reachability check of the working copy's web addresses, for the editor (never fatal). */
  accessChecks?: AccessCheck[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Whether an access URL answered when the working copy was submitted (through the SSRF guard). */
export interface AccessCheck {
  distributionId: string;
  url: string;
  reachable: boolean;
  /** The HTTP status, when one came back. */
  status?: number;
  /** Why it was not reached (timeout, unreachable, ssrf-refused…). */
  reason?: string;
  checkedAt: Date;
}

/** How the portal addresses what it publishes; from configuration (the public base URL). */
export interface PortalLinks {
  dataset(datasetId: string): string;
  download(datasetId: string, version: number, distributionId: string, fileName: string): string;
}
