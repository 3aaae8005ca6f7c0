import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NOW as now,
  landDatabase,
  dic,
  listedEntry as listed,
  owner,
  proposedEntry as proposed,
  value,
  violation,
} from '../../test/fixtures.js';
import { isReviewDue, review } from './review.rules.js';

const SEPTEMBER = new Date('2026-09-05T00:00:00Z');

describe('six-monthly review of default sharing (Decree 47 Điều 34)', () => {
  it('is due six months after listing or the last review', () => {
    const entry = listed();
    assert.equal(isReviewDue(entry, now), false);
    assert.equal(isReviewDue(entry, SEPTEMBER), true);
    const reviewed = value(review(entry, { outcome: 'keep-request' }, dic, SEPTEMBER)).next;
    assert.equal(isReviewDue(reviewed, new Date('2026-10-01T00:00:00Z')), false);
  });

  it('is never due for an entry that is not listed', () => {
    assert.equal(isReviewDue(proposed(), SEPTEMBER), false);
    assert.equal(violation(review(proposed(), { outcome: 'keep-request' }, dic, now)).code, 'not-listed');
  });

  it('records the review and its outcome in a reviewed event', () => {
    const change = value(review(listed(), { outcome: 'move-to-default', note: 'đủ điều kiện' }, dic, now));
    assert.equal(change.next.lastReviewedAt, now);
    assert.deepEqual(change.facts, [
      {
        type: 'vn.openlgsp.catalogue.entry.reviewed.v1',
        data: {
          entryId: 'e1',
          reviewedAt: now.toISOString(),
          outcome: 'move-to-default',
          note: 'đủ điều kiện',
        },
      },
    ]);
  });

  it('refuses an outcome that does not fit the sharing mode', () => {
    assert.equal(violation(review(listed(), { outcome: 'keep-default' }, dic, now)).code, 'review-outcome');
    const shared = listed(landDatabase('STNMT', { sharingMode: 'default' }));
    assert.equal(violation(review(shared, { outcome: 'keep-request' }, dic, now)).code, 'review-outcome');
    assert.equal(review(shared, { outcome: 'keep-default' }, dic, now).ok, true);
  });

  it('lets only DIC record the review', () => {
    assert.equal(violation(review(listed(), { outcome: 'keep-request' }, owner, now)).code, 'not-dic');
  });
});
