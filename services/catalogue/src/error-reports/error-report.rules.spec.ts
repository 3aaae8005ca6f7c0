import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Actor } from '@openlgsp/domain';
import {
  NOW as now,
  auditor,
  dic,
  listedEntry,
  owner,
  ownerSystem,
  proposedEntry,
  stranger,
  value,
  violation,
} from '../../test/fixtures.js';
import type { ErrorReportState } from './error-report.model.js';
import { acknowledge, canSeeReport, correct, open, reportsVisibleTo } from './error-report.rules.js';

const reporter = stranger; // SYT uses STNMT's land database
const third: Actor = { sub: 'hoa', agency: 'SXD', roles: ['consumer'] };
const later = new Date('2026-03-05T03:00:00Z');

function opened(): ErrorReportState {
  return value(
    open(
      listedEntry(),
      { reportId: 'r1', field: 'area', description: 'Diện tích sai', recordRef: 'T-12' },
      reporter,
      now,
    ),
  ).next;
}

describe('reporting an error in shared data (000 Điều 7.2.đ; 004 Điều 14.2.c)', () => {
  it('opens a report to the owner, in an opened event', () => {
    const change = value(
      open(listedEntry(), { reportId: 'r1', field: 'area', description: 'Diện tích sai' }, reporter, now),
    );
    assert.equal(change.next.status, 'open');
    assert.equal(change.next.ownerAgency, 'STNMT');
    assert.equal(change.next.reporterAgency, 'SYT');
    assert.deepEqual(change.facts, [
      {
        type: 'vn.openlgsp.catalogue.error-report.opened.v1',
        data: {
          reportId: 'r1',
          entryId: 'e1',
          ownerAgency: 'STNMT',
          reporterAgency: 'SYT',
          field: 'area',
          description: 'Diện tích sai',
        },
      },
    ]);
  });

  it('takes reports on listed entries only', () => {
    assert.equal(
      violation(open(proposedEntry(), { reportId: 'r1', description: 'x' }, reporter, now)).code,
      'not-listed',
    );
  });

  it('refuses a report by the owner on its own data', () => {
    const v = violation(open(listedEntry(), { reportId: 'r1', description: 'x' }, owner, now));
    assert.equal(v.code, 'own-entry');
    assert.equal(v.source, '004 Điều 14.2.c');
  });

  it('refuses a field the entry does not have', () => {
    const v = violation(
      open(listedEntry(), { reportId: 'r1', field: 'colour', description: 'x' }, reporter, now),
    );
    assert.equal(v.code, 'unknown-field');
    assert.equal(v.path, '/field');
  });
});

describe('answering a report (000 Điều 5.6)', () => {
  it('lets the owner acknowledge an open report once', () => {
    const change = value(acknowledge(opened(), 'đang kiểm tra', owner, later));
    assert.equal(change.next.status, 'acknowledged');
    assert.deepEqual(change.next.acknowledgement, { note: 'đang kiểm tra', at: later, by: 'lan' });
    assert.equal(violation(acknowledge(change.next, undefined, owner, later)).code, 'not-open');
  });

  it("lets the owner's systems answer as well as its officers", () => {
    assert.equal(acknowledge(opened(), undefined, ownerSystem, later).ok, true);
    assert.equal(correct(opened(), 'đã sửa', ownerSystem, later).ok, true);
  });

  it('lets no one but the owner acknowledge or correct', () => {
    for (const by of [reporter, dic]) {
      assert.equal(violation(acknowledge(opened(), undefined, by, later)).code, 'not-owner');
      assert.equal(violation(correct(opened(), 'x', by, later)).code, 'not-owner');
    }
  });

  it('corrects an open or acknowledged report, saying what was corrected, and only once', () => {
    const corrected = value(correct(opened(), 'Diện tích cập nhật theo đo đạc 2026', owner, later));
    assert.equal(corrected.next.status, 'corrected');
    assert.deepEqual(corrected.facts[0]?.data, {
      reportId: 'r1',
      entryId: 'e1',
      correction: 'Diện tích cập nhật theo đo đạc 2026',
    });
    const acknowledged = value(acknowledge(opened(), undefined, owner, later)).next;
    assert.equal(correct(acknowledged, 'x', owner, later).ok, true);
    assert.equal(violation(correct(corrected.next, 'again', owner, later)).code, 'already-corrected');
  });
});

describe('who sees error reports', () => {
  it('shows a report to the two agencies involved and to DIC and auditors, no one else', () => {
    const report = opened();
    for (const by of [owner, reporter, dic, auditor]) assert.equal(canSeeReport(report, by), true, by.agency);
    assert.equal(canSeeReport(report, third), false);
    assert.equal(canSeeReport(report, { sub: 'maps-app', agency: '', roles: ['public-app'] }), false);
  });

  it('lists as it shows', () => {
    assert.deepEqual(reportsVisibleTo(dic), {});
    assert.deepEqual(reportsVisibleTo(third), { $or: [{ ownerAgency: 'SXD' }, { reporterAgency: 'SXD' }] });
    assert.deepEqual(reportsVisibleTo({ sub: 'maps-app', agency: '', roles: ['public-app'] }), {
      _id: { $in: [] },
    });
  });
});
