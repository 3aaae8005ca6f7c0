import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  NOW as now,
  dic,
  listedEntry as listed,
  owner,
  proposedEntry as proposed,
  stranger,
  value,
  violation,
} from '../../test/fixtures.js';
import { assess, dueBefore, isAssessmentOverdue, overallOutcome } from './assessment.rules.js';

const results = {
  inventory: { outcome: 'pass' as const },
  standardsConformance: { outcome: 'pass' as const },
  accuracy: { outcome: 'partial' as const, note: '2% sai lệch' },
  integrity: { outcome: 'pass' as const },
  abnormalData: { outcome: 'pass' as const },
  maintenance: { outcome: 'pass' as const },
};

describe('annual assessment (Decree 47 Điều 16; 000 Điều 5.8)', () => {
  it('takes the worst area as the overall outcome', () => {
    assert.equal(overallOutcome(results), 'partial');
    assert.equal(overallOutcome({ ...results, integrity: { outcome: 'fail' } }), 'fail');
    assert.equal(overallOutcome({ ...results, accuracy: { outcome: 'pass' } }), 'pass');
  });

  it('records the assessment with its overall outcome in an assessed event', () => {
    const change = value(assess(listed(), { assessmentId: 'a1', year: 2026, results }, owner, now));
    assert.equal(change.next.lastAssessedAt, now);
    assert.deepEqual(
      change.next.assessments.map((a) => [a.year, a.overall, a.assessedBy]),
      [[2026, 'partial', 'lan']],
    );
    assert.deepEqual(change.facts[0]?.data, {
      entryId: 'e1',
      assessmentId: 'a1',
      year: 2026,
      assessedAt: now.toISOString(),
      results,
      overall: 'partial',
    });
  });

  it('records one assessment per year and clears the overdue flag', () => {
    const entry = listed();
    assert.equal(isAssessmentOverdue(entry, now), true, 'a never-assessed listed entry is overdue');
    const assessed = value(assess(entry, { assessmentId: 'a1', year: 2026, results }, owner, now)).next;
    assert.equal(isAssessmentOverdue(assessed, now), false);
    assert.equal(isAssessmentOverdue(assessed, new Date('2027-03-03T03:00:00Z')), true);
    assert.equal(
      violation(assess(assessed, { assessmentId: 'a2', year: 2026, results }, owner, now)).code,
      'already-assessed',
    );
    assert.equal(
      violation(assess(entry, { assessmentId: 'a2', year: 2027, results }, owner, now)).code,
      'future-year',
    );
  });

  it('lets the owner or DIC assess, and no other agency', () => {
    assert.equal(assess(listed(), { assessmentId: 'a1', year: 2026, results }, dic, now).ok, true);
    assert.equal(
      violation(assess(listed(), { assessmentId: 'a1', year: 2026, results }, stranger, now)).code,
      'not-owner',
    );
  });

  it('assesses listed entries only, and never counts an unlisted one as overdue', () => {
    assert.equal(
      violation(assess(proposed(), { assessmentId: 'a1', year: 2026, results }, owner, now)).code,
      'not-listed',
    );
    assert.equal(isAssessmentOverdue(proposed(), now), false);
  });

  it('counts the interval back from now', () => {
    assert.equal(dueBefore(now, 1).toISOString(), '2026-03-01T03:00:00.000Z');
  });
});
