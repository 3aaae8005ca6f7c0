import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { Schema } from 'mongoose';
import { CLOCK, ScheduledPasses, type Clock } from '@openlgsp/events';
import { MONGO_CONNECTION } from '@openlgsp/persistence';
import { createLogger, type Logger } from '@openlgsp/telemetry';
import { OPENDATA_CONFIG, type OpendataConfig } from '../config.js';
import { DatasetsRepository } from './datasets.repository.js';
import { isReviewDue, localDay, overdueDatasets, reviewDue } from './freshness.rules.js';

/** How many datasets one pass reads at most (a province publishes hundreds, not millions). */
export const FRESHNESS_BATCH = 10_000;

export interface FreshnessRow {
  datasetId: string;
  entryId: string;
  ownerAgency: string;
  title: string;
  version: number;
  nextUpdateDue: string | null;
  daysLate?: number;
  reviewDue?: string | null;
}

export interface FreshnessReport {
  _id: 'current';
  computedAt: Date;
  /** The local day (UTC+7) the report is for. */
  day: string;
  overdue: FreshnessRow[];
  reviewsDue: FreshnessRow[];
}

const FreshnessReportSchema = new Schema(
  {
    _id: { type: String, required: true },
    computedAt: { type: Date, required: true },
    day: { type: String, required: true },
    overdue: { type: Schema.Types.Mixed, default: [] },
    reviewsDue: { type: Schema.Types.Mixed, default: [] },
  },
  { versionKey: false, minimize: false, collection: 'freshness_reports' },
);

/**
 * Freshness of the open-data list (003 Điều 3; the six-monthly review, DOMAIN.md §3). A periodic pass
 * reads the public datasets once and keeps one report document, so DIC's lists are one read by `_id`
 * (FerretDB v1 scans for any other filter). Several instances may run it: each writes the same report.
 */
@Injectable()
export class FreshnessService extends ScheduledPasses<FreshnessReport, Logger> {
  private readonly reports: Model<FreshnessReport>;

  constructor(
    private readonly datasets: DatasetsRepository,
    @Inject(MONGO_CONNECTION) connection: Connection,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OPENDATA_CONFIG) config: OpendataConfig,
  ) {
    super(
      'freshness tick',
      config.freshnessTickMs,
      createLogger('opendata').child({ component: 'freshness' }),
    );
    this.reports = (connection.models.FreshnessReport ??
      connection.model('FreshnessReport', FreshnessReportSchema)) as unknown as Model<FreshnessReport>;
  }

  async overdue() {
    const report = await this.report();
    return { computedAt: report.computedAt, day: report.day, datasets: report.overdue };
  }

  async reviewsDue() {
    const report = await this.report();
    return { computedAt: report.computedAt, day: report.day, datasets: report.reviewsDue };
  }

  /** The stored report, or a first one computed now (a fresh start has none yet). */
  private async report(): Promise<FreshnessReport> {
    const stored = (await this.reports.findById('current').lean()) as FreshnessReport | null;
    return stored ?? this.tick();
  }

  protected async pass(): Promise<FreshnessReport> {
    const now = this.clock();
    const facts = await this.datasets.freshnessFacts(FRESHNESS_BATCH);
    const row = (d: (typeof facts)[number]): FreshnessRow => ({
      datasetId: d._id,
      entryId: d.entryId,
      ownerAgency: d.ownerAgency,
      title: d.current?.metadata?.title?.vi ?? '',
      version: d.latestVersion,
      nextUpdateDue: d.nextUpdateDue,
    });
    const report: FreshnessReport = {
      _id: 'current',
      computedAt: now,
      day: localDay(now),
      overdue: overdueDatasets(facts, now).map(({ dataset, daysLate }) => ({ ...row(dataset), daysLate })),
      reviewsDue: facts
        .filter((d) => isReviewDue(d, now))
        .map((d) => ({ ...row(d), reviewDue: reviewDue(d) }))
        .sort((a, b) => (a.reviewDue ?? '').localeCompare(b.reviewDue ?? '')),
    };
    await this.reports.replaceOne({ _id: 'current' }, report, { upsert: true });
    if (report.overdue.length || report.reviewsDue.length)
      this.log.info(
        { overdue: report.overdue.length, reviewsDue: report.reviewsDue.length },
        'freshness report computed',
      );
    return report;
  }
}
