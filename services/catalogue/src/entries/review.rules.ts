import { fail, ok, type Actor, type Change, type Result } from '@openlgsp/domain';
import type { EntryState, ReviewOutcome } from './entry.model.js';
import { dueBefore } from './assessment.rules.js';

export const REVIEW_INTERVAL_DAYS = 182;

/** Decree 47 Điều 34: the default-sharing list is reviewed at least every six months (DIC). */
export function review(
  entry: EntryState,
  input: { outcome: ReviewOutcome; note?: string },
  by: Actor,
  now: Date,
): Result<Change<EntryState>> {
  if (!by.roles.includes('dic'))
    return fail('forbidden', 'not-dic', 'only DIC records the six-monthly review');
  if (entry.status !== 'listed')
    return fail('conflict', 'not-listed', `entry is ${entry.status}; only listed entries are reviewed`);
  const mode = entry.content.sharingMode;
  if (mode === 'default' && input.outcome !== 'keep-default')
    return fail('invalid', 'review-outcome', 'an entry shared by default can only be kept as default', {
      path: '/outcome',
    });
  if (mode === 'request' && input.outcome === 'keep-default')
    return fail(
      'invalid',
      'review-outcome',
      'an entry shared on request is kept on request or moved to default',
      {
        path: '/outcome',
      },
    );
  const next: EntryState = { ...entry, lastReviewedAt: now, updatedAt: now };
  return ok({
    next,
    facts: [
      {
        type: 'vn.openlgsp.catalogue.entry.reviewed.v1',
        data: {
          entryId: entry._id,
          reviewedAt: now.toISOString(),
          outcome: input.outcome,
          ...(input.note ? { note: input.note } : {}),
        },
      },
    ],
  });
}

export function isReviewDue(
  entry: Pick<EntryState, 'status' | 'lastReviewedAt' | 'listedAt'>,
  now: Date,
  intervalDays = REVIEW_INTERVAL_DAYS,
): boolean {
  if (entry.status !== 'listed') return false;
  const since = entry.lastReviewedAt ?? entry.listedAt;
  return !since || since < dueBefore(now, intervalDays);
}
