import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VIETNAM_HOLIDAYS, WorkingCalendar } from './working-calendar.js';

const plain = new WorkingCalendar([]);
const vn = new WorkingCalendar(VIETNAM_HOLIDAYS);
/** An instant at a local (UTC+7) wall-clock time. */
const local = (s: string) => new Date(`${s}+07:00`);

describe('WorkingCalendar', () => {
  it('skips weekends: 10 working days from a Monday end at the close of the second Friday after', () => {
    // Monday 2026-03-02 → Tue 3 … Fri 6 (4), Mon 9 … Fri 13 (9), Mon 16 (10)
    assert.equal(plain.nthWorkingDayAfter(local('2026-03-02T10:00:00'), 10), '2026-03-16');
    assert.deepEqual(plain.deadline(local('2026-03-02T10:00:00'), 10), local('2026-03-17T00:00:00'));
  });

  it('counts from the next working day when a request arrives on a weekend', () => {
    // Saturday 2026-03-07 → Mon 9 is day 1
    assert.equal(plain.nthWorkingDayAfter(local('2026-03-07T09:00:00'), 1), '2026-03-09');
    assert.equal(plain.nthWorkingDayAfter(local('2026-03-08T23:59:00'), 1), '2026-03-09');
  });

  it('uses the local day, not the UTC one, near midnight', () => {
    // 2026-03-06T23:30+07:00 is still Friday locally (16:30Z); 2026-03-07T00:30+07:00 is Saturday locally
    assert.equal(vn.localDay(local('2026-03-06T23:30:00')), '2026-03-06');
    assert.equal(vn.localDay(local('2026-03-07T00:30:00')), '2026-03-07');
    assert.equal(plain.nthWorkingDayAfter(local('2026-03-07T00:30:00'), 1), '2026-03-09');
  });

  it('skips public holidays: Tết 2026 stretches a deadline by its five weekdays', () => {
    // Thu 2026-02-12: Fri 13 (1), [16–20 Tết], Mon 23 (2), Tue 24 (3)
    assert.equal(vn.nthWorkingDayAfter(local('2026-02-12T08:00:00'), 3), '2026-02-24');
    assert.equal(plain.nthWorkingDayAfter(local('2026-02-12T08:00:00'), 3), '2026-02-17');
  });

  it('crosses a year end and New Year’s Day', () => {
    // Wed 2025-12-31: [Thu 1 Jan holiday], Fri 2 (1), Mon 5 (2)
    assert.equal(vn.nthWorkingDayAfter(local('2025-12-31T16:00:00'), 2), '2026-01-05');
    // Thu 2026-12-31: [Fri 1 Jan 2027], Mon 4 (1)
    assert.equal(vn.nthWorkingDayAfter(local('2026-12-31T16:00:00'), 1), '2027-01-04');
    assert.equal(vn.workingDaysBetween(local('2026-12-30T09:00:00'), local('2027-01-05T09:00:00')), 3);
  });

  it('counts 30 April and 1 May 2026 (Thursday, Friday) as days off', () => {
    assert.equal(vn.isWorkingDay('2026-04-30'), false);
    assert.equal(vn.isWorkingDay('2026-05-01'), false);
    assert.equal(vn.nthWorkingDayAfter(local('2026-04-29T09:00:00'), 1), '2026-05-04');
  });

  it('counts the working days between two instants', () => {
    assert.equal(plain.workingDaysBetween(local('2026-03-02T10:00:00'), local('2026-03-11T10:00:00')), 7);
    assert.equal(plain.workingDaysBetween(local('2026-03-02T10:00:00'), local('2026-03-02T18:00:00')), 0);
    assert.equal(plain.workingDaysBetween(local('2026-03-06T10:00:00'), local('2026-03-08T10:00:00')), 0);
  });

  it('refuses a non-positive count', () => {
    assert.throws(() => plain.nthWorkingDayAfter(new Date(), 0), RangeError);
  });
});
