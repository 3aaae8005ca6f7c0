import type { Actor } from '@openlgsp/domain';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { landDatabase } from '../../test/fixtures.js';
import type { EntryState } from './entry.model.js';
import {
  assess,
  canSee,
  compile,
  decide,
  isAssessmentOverdue,
  isReviewDue,
  overallOutcome,
  proposeAddition,
  proposeChange,
  review,
} from './entry.rules.js';

const now = new Date('2026-03-02T03:00:00Z');
const owner: Actor = { sub: 'lan', agency: 'STNMT', roles: ['provider'] };
const stranger: Actor = { sub: 'minh', agency: 'SYT', roles: ['provider'] };
const dic: Actor = { sub: 'dic-1', agency: 'STTTT', roles: ['dic'] };
const committee: Actor = { sub: 'ubnd-1', agency: 'UBND', roles: ['committee'] };

function violation<T>(result: { ok: boolean; violation?: T }): T {
  assert.equal(result.ok, false, 'expected the rule to refuse');
  return result.violation!;
}
function value<T>(result: { ok: true; value: T } | { ok: false; violation: unknown }): T {
  if (!result.ok) assert.fail(`expected the rule to pass, got ${JSON.stringify(result.violation)}`);
  return result.value;
}

function proposed(): EntryState {
  return value(
    proposeAddition(
      { entryId: 'e1', proposalId: 'p1', content: landDatabase(), justification: 'cần chia sẻ' },
      owner,
      now,
    ),
  ).next;
}
function listed(): EntryState {
  const compiled = value(compile(proposed(), 'p1', undefined, dic, now)).next;
  return value(decide(compiled, 'p1', { outcome: 'approved', decisionRef: '123/QĐ-UBND' }, committee, now))
    .next;
}

describe('proposing an addition (004 Điều 4.2)', () => {
  it('opens a proposal and says so in a submitted event', () => {
    const change = value(
      proposeAddition(
        { entryId: 'e1', proposalId: 'p1', content: landDatabase(), justification: 'j' },
        owner,
        now,
      ),
    );
    assert.equal(change.next.status, 'proposed');
    assert.equal(change.next.proposal?.kind, 'add');
    assert.deepEqual(
      change.facts.map((f) => f.type),
      ['vn.openlgsp.catalogue.proposal.submitted.v1'],
    );
    assert.equal(
      'containsStateSecrets' in change.next.content,
      false,
      'the secret flag is not stored in content',
    );
  });

  it('refuses data containing state secrets (000 Điều 1.2)', () => {
    const v = violation(
      proposeAddition(
        {
          entryId: 'e1',
          proposalId: 'p1',
          content: landDatabase('STNMT', { containsStateSecrets: true }),
          justification: 'j',
        },
        owner,
        now,
      ),
    );
    assert.equal(v.code, 'state-secret');
    assert.equal(v.source, '000 Điều 1.2');
  });

  it("refuses a proposal for another agency's database", () => {
    assert.equal(
      violation(
        proposeAddition(
          { entryId: 'e1', proposalId: 'p1', content: landDatabase(), justification: 'j' },
          stranger,
          now,
        ),
      ).kind,
      'forbidden',
    );
  });

  it('refuses the same data field listed twice', () => {
    const content = landDatabase();
    content.dataFields.push({ ...content.dataFields[0]! });
    assert.equal(
      violation(proposeAddition({ entryId: 'e1', proposalId: 'p1', content, justification: 'j' }, owner, now))
        .path,
      '/content/dataFields/3/name',
    );
  });
});

describe('deciding', () => {
  it('lists an approved addition after DIC compiled it', () => {
    const compiled = value(compile(proposed(), 'p1', 'hồ sơ đầy đủ', dic, now));
    const decided = value(decide(compiled.next, 'p1', { outcome: 'approved' }, committee, now));
    assert.equal(decided.next.status, 'listed');
    assert.equal(decided.next.proposal, null);
    assert.deepEqual(
      decided.facts.map((f) => f.type),
      ['vn.openlgsp.catalogue.proposal.approved.v1', 'vn.openlgsp.catalogue.entry.listed.v1'],
    );
  });

  it('refuses a decision before DIC compiled the proposal', () => {
    assert.equal(
      violation(decide(proposed(), 'p1', { outcome: 'approved' }, committee, now)).code,
      'not-compiled',
    );
  });

  it('refuses a rejection without a reason', () => {
    const compiled = value(compile(proposed(), 'p1', undefined, dic, now)).next;
    assert.equal(
      violation(decide(compiled, 'p1', { outcome: 'rejected', reason: '  ' }, committee, now)).code,
      'reason-required',
    );
  });

  it('lets only the Committee decide and only DIC compile', () => {
    assert.equal(violation(compile(proposed(), 'p1', undefined, owner, now)).kind, 'forbidden');
    const compiled = value(compile(proposed(), 'p1', undefined, dic, now)).next;
    assert.equal(violation(decide(compiled, 'p1', { outcome: 'approved' }, dic, now)).kind, 'forbidden');
  });

  it('says a decided proposal was already decided', () => {
    assert.equal(
      violation(decide(listed(), 'p1', { outcome: 'approved' }, committee, now)).code,
      'already-decided',
    );
  });

  it('applies an approved amendment with a new content version', () => {
    const amended = value(
      proposeChange(
        listed(),
        {
          proposalId: 'p2',
          kind: 'amend',
          justification: 'thêm trường',
          content: landDatabase('STNMT', { scope: 'Toàn tỉnh, từ 2026' }),
        },
        owner,
        now,
      ),
    ).next;
    const compiled = value(compile(amended, 'p2', undefined, dic, now)).next;
    const decided = value(decide(compiled, 'p2', { outcome: 'approved' }, committee, now));
    assert.equal(decided.next.content.scope, 'Toàn tỉnh, từ 2026');
    const event = decided.facts[1]!;
    assert.equal(event.type, 'vn.openlgsp.catalogue.entry.amended.v1');
    assert.equal((event.data as { version: number }).version, 2);
  });

  it('withdraws on an approved withdrawal, with the justification as the reason', () => {
    const open = value(
      proposeChange(
        listed(),
        { proposalId: 'p2', kind: 'withdraw', justification: 'hệ thống ngừng' },
        owner,
        now,
      ),
    ).next;
    const decided = value(
      decide(
        value(compile(open, 'p2', undefined, dic, now)).next,
        'p2',
        { outcome: 'approved' },
        committee,
        now,
      ),
    );
    assert.equal(decided.next.status, 'withdrawn');
    assert.deepEqual(decided.facts[1]!.data, { entryId: 'e1', version: 1, reason: 'hệ thống ngừng' });
  });

  it('keeps one open proposal at a time, and no owner change by amendment', () => {
    const open = value(
      proposeChange(listed(), { proposalId: 'p2', kind: 'withdraw', justification: 'x' }, owner, now),
    ).next;
    assert.equal(
      violation(proposeChange(open, { proposalId: 'p3', kind: 'withdraw', justification: 'y' }, owner, now))
        .code,
      'proposal-open',
    );
    assert.equal(
      violation(
        proposeChange(
          listed(),
          { proposalId: 'p2', kind: 'amend', justification: 'x', content: landDatabase('SYT') },
          owner,
          now,
        ),
      ).code,
      'owner-change',
    );
  });
});

describe('annual assessment (Decree 47 Điều 16)', () => {
  const results = {
    inventory: { outcome: 'pass' as const },
    standardsConformance: { outcome: 'pass' as const },
    accuracy: { outcome: 'partial' as const, note: '2% sai lệch' },
    integrity: { outcome: 'pass' as const },
    abnormalData: { outcome: 'pass' as const },
    maintenance: { outcome: 'pass' as const },
  };

  it('takes the worst area as the overall outcome', () => {
    assert.equal(overallOutcome(results), 'partial');
    assert.equal(overallOutcome({ ...results, integrity: { outcome: 'fail' } }), 'fail');
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
});

describe('six-monthly review of default sharing (Decree 47 Điều 34)', () => {
  it('is due six months after listing or the last review', () => {
    const entry = listed();
    assert.equal(isReviewDue(entry, now), false);
    assert.equal(isReviewDue(entry, new Date('2026-09-05T00:00:00Z')), true);
    const reviewed = value(
      review(entry, { outcome: 'keep-request' }, dic, new Date('2026-09-05T00:00:00Z')),
    ).next;
    assert.equal(isReviewDue(reviewed, new Date('2026-10-01T00:00:00Z')), false);
  });

  it('refuses an outcome that does not fit the sharing mode', () => {
    assert.equal(violation(review(listed(), { outcome: 'keep-default' }, dic, now)).code, 'review-outcome');
  });
});

describe('visibility', () => {
  it('shows unlisted entries only to their owner and coordinators', () => {
    const entry = proposed();
    assert.equal(canSee(entry, stranger), false);
    assert.equal(canSee(entry, undefined), false);
    assert.equal(canSee(entry, owner), true);
    assert.equal(canSee(entry, dic), true);
    assert.equal(canSee(listed(), undefined), true);
  });
});
