import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { validateCommand } from '@openlgsp/contracts';
import type { FixedWindowRateLimiter } from '@openlgsp/auth';
import { NotFoundError, RuleViolationError } from '@openlgsp/domain';
import type { ObjectStore } from '@openlgsp/storage';
import { OBJECT_STORE } from '../config.js';
import { nextUpdateDue } from '../datasets/freshness.rules.js';
import { contentKey } from '../distributions/content-key.js';
import { previewCsv, type CsvPreview } from '../distributions/csv-check.js';
import { FEEDBACK_CONFIG, type FeedbackConfig } from '../feedback/feedback.config.js';
import { FEEDBACK_LIMITER } from '../feedback/feedback.controller.js';
import type { PublicFeedback } from '../feedback/feedback.model.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import type { DatasetSummary as PublicSummary } from '../public-catalogue/public-catalogue.model.js';
import { catalogDatasetOf, PublicCatalogueService } from '../public-catalogue/public-catalogue.service.js';
import {
  PORTAL_FACETS,
  type DatasetSummary,
  type FacetValue,
  type FeedbackOutcome,
  type FeedbackSubmission,
  type PortalDataset,
  type PortalPublisher,
  type PortalReadModel,
  type PortalSearchParams,
  type PortalSearchResult,
} from './portal.read-model.js';

/** A preview reads at most this much of a file: the header and a few rows, never the whole file. */
const PREVIEW_BYTES = 64 * 1024;
const PREVIEW_ROWS = 10;
/** Previews kept in memory, by file checksum (a version's file never changes under its checksum). */
const PREVIEW_CACHE_SIZE = 200;
/** A publisher page lists its datasets on one page, up to the read side's largest page. */
const PUBLISHER_DATASETS = 100;
/** Feedback a dataset page shows, oldest first. */
const FEEDBACK_SHOWN = 100;

/**
 * The portal's read-model port bound to the public read side (PublicCatalogueService), the feedback
 * use case (FeedbackService, with the API's rate limiter and command validation) and the object
 * store for CSV previews.
 */
@Injectable()
export class PublicPortalReadModel implements PortalReadModel {
  private readonly log = new Logger(PublicPortalReadModel.name);
  private readonly previews = new Map<string, CsvPreview>();

  constructor(
    private readonly catalogue: PublicCatalogueService,
    private readonly feedbackService: FeedbackService,
    @Inject(FEEDBACK_LIMITER) private readonly limiter: FixedWindowRateLimiter,
    @Inject(FEEDBACK_CONFIG) private readonly feedbackConfig: FeedbackConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async search(params: PortalSearchParams): Promise<PortalSearchResult> {
    const found = await this.catalogue.search({
      q: params.q,
      theme: params.filters.theme,
      publisher: params.filters.publisher,
      format: params.filters.format,
      limit: params.limit,
      ...(params.cursor ? { cursor: params.cursor } : {}),
    });
    const names = new Map((await this.catalogue.publisherRecords()).map((p) => [p._id, p.name]));
    const facets = Object.fromEntries(
      PORTAL_FACETS.map((facet) => [
        facet,
        Object.entries(found.facets[facet])
          .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
          .map(([value, count]): FacetValue => {
            const name = facet === 'publisher' ? names.get(value) : undefined;
            return { value, count, ...(name ? { label: { vi: name } } : {}) };
          }),
      ]),
    ) as PortalSearchResult['facets'];
    return { items: found.items.map(summaryOf), total: found.total, facets, next: found.next };
  }

  async dataset(datasetId: string): Promise<PortalDataset | null> {
    const doc = await orNull(this.catalogue.publicDataset(datasetId));
    if (!doc) return null;
    const current = doc.current;
    const previews: Record<string, CsvPreview> = {};
    for (const d of current.distributions) {
      if (d.kind !== 'file' || !d.sha256 || !isCsv(d.format, d.mediaType)) continue;
      const preview = await this.preview(d.sha256);
      if (preview) previews[d.distributionId] = preview;
    }
    return {
      dataset: catalogDatasetOf(doc),
      // A retracted dataset is no longer kept up to date: no due day.
      nextUpdateDue: doc.retraction
        ? null
        : nextUpdateDue(new Date(current.publishedAt), current.metadata.accrualPeriodicity),
      previews,
    };
  }

  async publisher(code: string): Promise<PortalPublisher | null> {
    const record = await this.catalogue.publisherRecord(code);
    if (!record) return null;
    const found = await this.catalogue.search({ publisher: [code], limit: PUBLISHER_DATASETS });
    return { code: record._id, name: record.name, datasets: found.items.map(summaryOf) };
  }

  async feedbackFor(datasetId: string): Promise<PublicFeedback[]> {
    const page = await this.feedbackService.list(
      { kind: 'dataset', id: datasetId },
      { limit: FEEDBACK_SHOWN },
    );
    return page.items;
  }

  async feedback(feedbackId: string): Promise<PublicFeedback | null> {
    return orNull(this.feedbackService.get(feedbackId, undefined));
  }

  /** The same command contract and the same per-address limiter as `POST /opendata/feedback`. */
  async submitFeedback(submission: FeedbackSubmission): Promise<FeedbackOutcome> {
    const body = {
      target: submission.target,
      text: submission.text,
      ...(Object.keys(submission.sender).length ? { sender: submission.sender } : {}),
    };
    const valid = validateCommand('opendata.feedback.send', body);
    if (!valid.ok)
      return {
        ok: false,
        reason: 'invalid',
        problems: valid.errors.map((e) => ({ path: e.path, message: e.message })),
      };
    if (!(await orNull(this.catalogue.publicDataset(submission.target.id))))
      return { ok: false, reason: 'not-found' };
    if (!this.limiter.take(submission.from.ip, this.feedbackConfig.perAddressPerHour).allowed)
      return { ok: false, reason: 'rate-limited' };
    try {
      const sent = await this.feedbackService.send(body);
      return { ok: true, feedbackId: sent.feedbackId };
    } catch (err) {
      if (err instanceof NotFoundError) return { ok: false, reason: 'not-found' };
      if (err instanceof RuleViolationError) {
        if (err.violation.kind === 'not-found') return { ok: false, reason: 'not-found' };
        return {
          ok: false,
          reason: 'invalid',
          problems: [{ path: err.violation.path ?? '/text', message: err.violation.message }],
        };
      }
      throw err;
    }
  }

  /** The header and first rows of a stored CSV, from its first bytes only; null when unreadable. */
  private async preview(sha256: string): Promise<CsvPreview | null> {
    const cached = this.previews.get(sha256);
    if (cached) return cached;
    let preview: CsvPreview;
    try {
      const head = await this.firstBytes(contentKey(sha256));
      if (!head) return null;
      preview = await previewCsv(Readable.from([head]), PREVIEW_ROWS);
    } catch (err) {
      this.log.warn(`no preview of ${sha256}: ${(err as Error).message}`);
      return null;
    }
    if (this.previews.size >= PREVIEW_CACHE_SIZE) {
      const oldest = this.previews.keys().next().value;
      if (oldest !== undefined) this.previews.delete(oldest);
    }
    this.previews.set(sha256, preview);
    return preview;
  }

  /** At most PREVIEW_BYTES, cut after the last complete line when the file is longer. */
  private async firstBytes(key: string): Promise<Buffer | null> {
    const object = await this.store.get(key);
    if (!object) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    try {
      for await (const chunk of object.stream as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= PREVIEW_BYTES) {
          truncated = true;
          break;
        }
      }
    } finally {
      object.stream.destroy();
    }
    const all = Buffer.concat(chunks);
    if (!truncated) return all;
    const head = all.subarray(0, PREVIEW_BYTES);
    const lastLine = head.lastIndexOf(0x0a);
    return lastLine > 0 ? head.subarray(0, lastLine + 1) : head;
  }
}

function summaryOf(s: PublicSummary): DatasetSummary {
  return {
    datasetId: s.id,
    title: s.title,
    description: s.description,
    publisher: s.publisher,
    themes: s.themes,
    formats: s.formats,
    modified: s.modified,
    retracted: s.status === 'retracted',
  };
}

function isCsv(format: string | undefined, mediaType: string | undefined): boolean {
  return format === 'CSV' || /^text\/csv\b/i.test(mediaType ?? '');
}

/** The read side's "does not exist" as null, so the page answers 404. */
async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}
