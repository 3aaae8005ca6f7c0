import { Injectable } from '@nestjs/common';
import { AggregateRepositoryOf, type Page } from '@openlgsp/persistence';
import { ASSESSMENT_INTERVAL_DAYS, dueBefore } from './assessment.rules.js';
import type { EntryState } from './entry.model.js';
import { EntrySchema } from './entry.schema.js';
import { REVIEW_INTERVAL_DAYS } from './review.rules.js';

@Injectable()
export class EntriesRepository extends AggregateRepositoryOf<EntryState>('entry', 'Entry', EntrySchema) {
  get collection() {
    return this.model;
  }

  /** `isAssessmentOverdue` as a store filter, for DIC's list: listed, not assessed within the interval. */
  overdueAssessments(now: Date, page: { limit: number; cursor?: string }): Promise<Page<EntryState>> {
    const cutoff = dueBefore(now, ASSESSMENT_INTERVAL_DAYS);
    return this.page(
      { status: 'listed', $or: [{ lastAssessedAt: null }, { lastAssessedAt: { $lt: cutoff } }] },
      page,
    );
  }

  /** `isReviewDue` as a store filter, for DIC's list: listed, not reviewed (or listed) within the interval. */
  dueReviews(now: Date, page: { limit: number; cursor?: string }): Promise<Page<EntryState>> {
    const cutoff = dueBefore(now, REVIEW_INTERVAL_DAYS);
    return this.page(
      {
        status: 'listed',
        $or: [{ lastReviewedAt: { $lt: cutoff } }, { lastReviewedAt: null, listedAt: { $lt: cutoff } }],
      },
      page,
    );
  }
}
