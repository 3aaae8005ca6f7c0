import type { DatasetText } from '@openlgsp/contracts';
import type { CatalogDataset } from '../dcat/dcat.serialiser.js';
import type { CsvPreview } from '../distributions/csv-check.js';
import type { PublicFeedback } from '../feedback/feedback.model.js';

/**
 * What the portal's pages read and the one thing they write, as a port: the portal renders, the
 * public read side (PublicCatalogueService) and the feedback use case answer.
 *
 * Adapter expected at merge (the lead binds PORTAL_READ_MODEL in the opendata AppModule):
 * - search     → PublicCatalogueService's search with facets (theme, publisher, format), mapped to
 *                PortalSearchResult; `next` is its opaque cursor, handed back unchanged as `cursor`.
 * - dataset    → its dataset (latest public version as a CatalogDataset, retracted ones too, so the
 *                page can say so) with `nextUpdateDue` from the dataset state and, for each CSV file
 *                distribution, `previewCsv()` of the stored object (a few rows, cached by version).
 * - publisher  → its publisher (agency code and name) and that publisher's datasets.
 * - feedbackFor → the public feedback list of a dataset; feedback → one PublicFeedback by id.
 * - submitFeedback → the feedback use case (receive), same validation and rate limit (keyed on
 *                `from.ip`) as `POST /opendata/feedback`; rule violations mapped to FieldProblem paths.
 * Every method returns null for what does not exist (or is not public): the page answers 404.
 */
export interface PortalReadModel {
  search(params: PortalSearchParams): Promise<PortalSearchResult>;
  dataset(datasetId: string): Promise<PortalDataset | null>;
  publisher(code: string): Promise<PortalPublisher | null>;
  feedbackFor(datasetId: string): Promise<PublicFeedback[]>;
  feedback(feedbackId: string): Promise<PublicFeedback | null>;
  submitFeedback(submission: FeedbackSubmission): Promise<FeedbackOutcome>;
}

export const PORTAL_READ_MODEL = Symbol('PORTAL_READ_MODEL');

/** The facets the home page offers, by the CKAN names the read side already counts. */
export const PORTAL_FACETS = ['theme', 'publisher', 'format'] as const;
export type PortalFacet = (typeof PORTAL_FACETS)[number];

export interface PortalSearchParams {
  /** Free text over titles, descriptions and keywords in every language; empty: everything. */
  q: string;
  /** Each facet's chosen values; a dataset matches when it has one of each facet's values. */
  filters: Record<PortalFacet, string[]>;
  cursor?: string;
  limit: number;
}

export interface FacetValue {
  value: string;
  count: number;
  /** What to show; the value itself when absent (a format code, say). */
  label?: Partial<DatasetText>;
}

/** One result line: enough for a title, a summary and what it offers. */
export interface DatasetSummary {
  datasetId: string;
  title: DatasetText;
  description: DatasetText;
  publisher: { code: string; name: string };
  themes: string[];
  formats: string[];
  /** When its latest version was published (ISO 8601). */
  modified: string;
  retracted: boolean;
}

export interface PortalSearchResult {
  items: DatasetSummary[];
  /** How many datasets match in all, when the read side knows it cheaply. */
  total?: number;
  facets: Record<PortalFacet, FacetValue[]>;
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

export interface PortalDataset {
  /** The latest public version, the shape the DCAT and schema.org builders take. */
  dataset: CatalogDataset;
  /** The local day (YYYY-MM-DD) the next update is due by; null when the frequency sets none. */
  nextUpdateDue: string | null;
  /** The first rows of each CSV file distribution, by distribution id; cells are plain text. */
  previews: Record<string, CsvPreview>;
}

export interface PortalPublisher {
  code: string;
  name: string;
  datasets: DatasetSummary[];
}

export interface FeedbackSubmission {
  target: { kind: 'dataset'; id: string };
  /** Who is asking, for the API's rate limit (the client's address, behind the trusted proxy). */
  from: { ip: string };
  text: string;
  sender: { name?: string; email?: string; phone?: string };
}

/** A field the sender must correct, by JSON pointer into the submission (`/text`, `/sender/email`). */
export interface FieldProblem {
  path: string;
  message: string;
}

export type FeedbackOutcome =
  | { ok: true; feedbackId: string }
  | { ok: false; reason: 'invalid'; problems: FieldProblem[] }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'rate-limited' };
