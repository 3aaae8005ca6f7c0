// The portal's read-model port over a real collection of the service's database, for the browser
// tests until the public read side is bound at merge. Plain scans: a test store holds a few documents.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import type { Collection, Connection } from 'mongoose';
import type { CsvPreview } from '../src/distributions/csv-check.js';
import type { FeedbackState, PublicFeedback } from '../src/feedback/feedback.model.js';
import { publicView, receive } from '../src/feedback/feedback.rules.js';
import { summaryOf } from '../src/portal/portal.fixtures.js';
import {
  PORTAL_FACETS,
  type DatasetSummary,
  type FeedbackOutcome,
  type FeedbackSubmission,
  type PortalDataset,
  type PortalFacet,
  type PortalPublisher,
  type PortalReadModel,
  type PortalSearchParams,
  type PortalSearchResult,
} from '../src/portal/portal.read-model.js';

/** FerretDB v1 keeps no nested arrays: a preview's rows are stored as objects holding their cells. */
interface StoredDataset {
  _id: string;
  data: Omit<PortalDataset, 'previews'>;
  previews: { distributionId: string; columns: string[]; rows: { cells: string[] }[] }[];
  summary: DatasetSummary;
}

const facetValues = (s: DatasetSummary): Record<PortalFacet, string[]> => ({
  theme: s.themes,
  publisher: [s.publisher.code],
  format: s.formats,
});

@Injectable()
export class StoredPortalReadModel implements PortalReadModel {
  private readonly datasets: Collection<StoredDataset>;
  private readonly feedbacks: Collection<FeedbackState>;

  constructor(
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.datasets = connection.collection<StoredDataset>('portal_test_datasets');
    this.feedbacks = connection.collection<FeedbackState>('portal_test_feedback');
  }

  async seed(datasets: PortalDataset[]): Promise<void> {
    for (const data of datasets) {
      const { previews, ...rest } = data;
      await this.datasets.replaceOne(
        { _id: data.dataset.version.datasetId },
        {
          data: rest,
          previews: Object.entries(previews).map(([distributionId, p]) => ({
            distributionId,
            columns: p.columns,
            rows: p.rows.map((cells) => ({ cells })),
          })),
          summary: summaryOf(data),
        },
        { upsert: true },
      );
    }
  }

  async search(params: PortalSearchParams): Promise<PortalSearchResult> {
    const words = params.q.toLocaleLowerCase('vi').split(/\s+/).filter(Boolean);
    const all = (await this.datasets.find({}).limit(500).toArray()).map((d) => d.summary);
    const matching = all.filter((s) => {
      const text = [s.title.vi, s.title.en, s.description.vi, s.description.en]
        .join(' ')
        .toLocaleLowerCase('vi');
      if (!words.every((w) => text.includes(w))) return false;
      return PORTAL_FACETS.every(
        (f) => !params.filters[f].length || facetValues(s)[f].some((v) => params.filters[f].includes(v)),
      );
    });
    const facets = Object.fromEntries(
      PORTAL_FACETS.map((f) => {
        const counts = new Map<string, number>();
        for (const s of matching) for (const v of facetValues(s)[f]) counts.set(v, (counts.get(v) ?? 0) + 1);
        const labels = new Map(all.map((s) => [s.publisher.code, s.publisher.name]));
        return [
          f,
          [...counts.entries()]
            .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
            .map(([value, count]) => ({
              value,
              count,
              ...(f === 'publisher' ? { label: { vi: labels.get(value) ?? value } } : {}),
            })),
        ];
      }),
    ) as PortalSearchResult['facets'];
    const start = Number(params.cursor ?? 0) || 0;
    const items = matching
      .sort((a, b) => b.modified.localeCompare(a.modified))
      .slice(start, start + params.limit);
    const next = start + params.limit < matching.length ? String(start + params.limit) : null;
    return { items, total: matching.length, facets, next };
  }

  async dataset(datasetId: string): Promise<PortalDataset | null> {
    const stored = await this.datasets.findOne({ _id: datasetId });
    if (!stored) return null;
    const previews: Record<string, CsvPreview> = Object.fromEntries(
      stored.previews.map((p) => [
        p.distributionId,
        { columns: p.columns, rows: p.rows.map((r) => r.cells) },
      ]),
    );
    return { ...stored.data, previews };
  }

  async publisher(code: string): Promise<PortalPublisher | null> {
    const datasets = (await this.datasets.find({}).limit(500).toArray())
      .map((d) => d.summary)
      .filter((s) => s.publisher.code === code);
    return datasets.length ? { code, name: datasets[0]!.publisher.name, datasets } : null;
  }

  async feedbackFor(datasetId: string): Promise<PublicFeedback[]> {
    const all = await this.feedbacks.find({}).limit(500).toArray();
    return all.filter((f) => f.target.kind === 'dataset' && f.target.id === datasetId).map(publicView);
  }

  async feedback(feedbackId: string): Promise<PublicFeedback | null> {
    const found = await this.feedbacks.findOne({ _id: feedbackId });
    return found ? publicView(found) : null;
  }

  /** The feedback rule itself decides; the store keeps the state, contact included (never shown). */
  async submitFeedback(submission: FeedbackSubmission): Promise<FeedbackOutcome> {
    const dataset = await this.dataset(submission.target.id);
    const result = receive(
      randomUUID(),
      {
        target: submission.target,
        ownerAgency: dataset?.dataset.version.ownerAgency ?? '',
        open: dataset !== null && !dataset.dataset.retracted,
      },
      { text: submission.text, sender: submission.sender },
      this.clock(),
    );
    if (!result.ok) {
      if (result.violation.kind === 'not-found') return { ok: false, reason: 'not-found' };
      return {
        ok: false,
        reason: 'invalid',
        problems: [{ path: result.violation.path ?? '/text', message: result.violation.message }],
      };
    }
    await this.feedbacks.insertOne(result.value.next);
    return { ok: true, feedbackId: result.value.next._id };
  }
}
