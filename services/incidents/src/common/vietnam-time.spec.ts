import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, daysDeadline, localDate, localDay } from './vietnam-time.js';

describe('days in Vietnam', () => {
  it('takes the local day, not the UTC one', () => {
    assert.equal(localDay(new Date('2025-11-20T16:59:59Z')), '2025-11-20');
    assert.equal(localDay(new Date('2025-11-20T17:00:00Z')), '2025-11-21');
  });

  it('ends "within 5 days" at the local midnight after the fifth day', () => {
    // discovered 20 November, 23:30 local → due at the end of 25 November, local time
    assert.equal(daysDeadline(new Date('2025-11-20T16:30:00Z'), 5).toISOString(), '2025-11-25T17:00:00.000Z');
    // 21 November 00:30 local is a day later
    assert.equal(daysDeadline(new Date('2025-11-20T17:30:00Z'), 5).toISOString(), '2025-11-26T17:00:00.000Z');
  });

  it('adds months, keeping to the last day of a shorter month', () => {
    assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addMonths('2025-11-14', 12), '2026-11-14');
    assert.equal(addMonths('2025-12-15', 1), '2026-01-15');
  });

  it('places a local date at its local midnight', () => {
    assert.equal(localDate(2025, 11, 15).toISOString(), '2025-11-14T17:00:00.000Z');
  });
});
