import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unwrap } from '@openlgsp/domain';
import { dic, local, owner, violation } from '../common/fixtures.js';
import {
  addStep,
  isOverdue,
  isReviewDue,
  localDay,
  nextUpdateDue,
  overdueDatasets,
  recordReview,
  reviewDue,
} from './freshness.rules.js';
import type { DatasetState } from './dataset.model.js';

const dataset = (over: Partial<DatasetState> = {}) =>
  ({
    _id: 'd1',
    status: 'published',
    latestVersion: 1,
    nextUpdateDue: '2026-03-31',
    firstPublishedAt: local('2026-01-10T09:00:00'),
    lastReviewedAt: null,
    updatedAt: local('2026-01-10T09:00:00'),
    ...over,
  }) as DatasetState;

describe('freshness rules', () => {
  it('counts due days in local time (UTC+7)', () => {
    assert.equal(localDay(new Date('2026-03-01T18:00:00Z')), '2026-03-02');
    assert.equal(nextUpdateDue(new Date('2026-03-01T18:00:00Z'), 'DAILY'), '2026-03-03');
  });

  it('adds calendar months, ending on the last day of a shorter month', () => {
    assert.equal(nextUpdateDue(local('2026-01-31T10:00:00'), 'MONTHLY'), '2026-02-28');
    assert.equal(nextUpdateDue(local('2028-01-31T10:00:00'), 'MONTHLY'), '2028-02-29');
    assert.equal(nextUpdateDue(local('2026-11-30T10:00:00'), 'QUARTERLY'), '2027-02-28');
    assert.equal(nextUpdateDue(local('2026-03-02T10:00:00'), 'ANNUAL'), '2027-03-02');
    assert.equal(nextUpdateDue(local('2026-03-02T10:00:00'), 'WEEKLY'), '2026-03-09');
    assert.equal(addStep('2026-12-31', { days: 1 }), '2027-01-01');
  });

  it('sets no due day for continuous, irregular, unknown or never', () => {
    for (const code of ['CONT', 'UPDATE_CONT', 'IRREG', 'UNKNOWN', 'NEVER', 'NOT-A-CODE'])
      assert.equal(nextUpdateDue(local('2026-03-02T10:00:00'), code), null, code);
  });

  it('is overdue the local day after its due day, only while public', () => {
    assert.equal(isOverdue(dataset(), local('2026-03-31T23:59:00')), false);
    assert.equal(isOverdue(dataset(), local('2026-04-01T00:00:00')), true);
    assert.equal(isOverdue(dataset({ status: 'retracted' }), local('2026-05-01T00:00:00')), false);
    assert.equal(isOverdue(dataset({ nextUpdateDue: null }), local('2030-01-01T00:00:00')), false);
    assert.equal(
      isOverdue(dataset({ status: 'draft', latestVersion: 0 }), local('2030-01-01T00:00:00')),
      false,
    );
  });

  it("lists DIC's overdue datasets, the latest first", () => {
    const list = overdueDatasets(
      [
        dataset({ _id: 'a', nextUpdateDue: '2026-04-20' }),
        dataset({ _id: 'b', nextUpdateDue: '2026-03-01' }),
        dataset({ _id: 'c', nextUpdateDue: '2026-06-01' }),
      ],
      local('2026-05-01T08:00:00'),
    );
    assert.deepEqual(
      list.map((o) => `${o.dataset._id}:${o.daysLate}`),
      ['b:61', 'a:11'],
    );
  });

  it('is due for the six-monthly list review from its first publication or last review', () => {
    assert.equal(reviewDue(dataset()), '2026-07-10');
    assert.equal(isReviewDue(dataset(), local('2026-07-09T12:00:00')), false);
    assert.equal(isReviewDue(dataset(), local('2026-07-10T00:00:00')), true);
    const reviewed = unwrap(recordReview(dataset(), dic, local('2026-07-10T09:00:00')));
    assert.equal(reviewDue(reviewed), '2027-01-10');
    assert.equal(
      violation(recordReview(dataset(), owner, local('2026-07-10T09:00:00'))),
      'forbidden:not-dic',
    );
    assert.equal(
      violation(recordReview(dataset({ status: 'retracted' }), dic, local('2026-07-10T09:00:00'))),
      'conflict:not-public',
    );
  });
});
