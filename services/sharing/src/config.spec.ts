import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharingConfigFromEnv } from './config.js';

describe('sharingConfigFromEnv', () => {
  it('defaults to 10 working days, a 2-day reminder and 7 days of planned notice', () => {
    const c = sharingConfigFromEnv({});
    assert.equal(c.answerWorkingDays, 10);
    assert.equal(c.reminderWorkingDays, 2);
    assert.equal(c.plannedNoticeWorkingDays, 7);
    assert.equal(c.calendar.isWorkingDay('2026-09-02'), false);
  });

  it('adds configured holidays to the built-in list', () => {
    const c = sharingConfigFromEnv({ SHARING_HOLIDAYS: '2026-03-10, 2026-03-11' });
    assert.equal(c.calendar.isWorkingDay('2026-03-10'), false);
    assert.equal(c.calendar.isWorkingDay('2026-03-12'), true);
  });

  it('refuses bad values with the variable name, and never less than 7 days of planned notice', () => {
    assert.throws(() => sharingConfigFromEnv({ SHARING_HOLIDAYS: '10/03/2026' }), /SHARING_HOLIDAYS/);
    assert.throws(() => sharingConfigFromEnv({ SHARING_ANSWER_WORKING_DAYS: 'ten' }), /SHARING_ANSWER/);
    assert.throws(() => sharingConfigFromEnv({ SHARING_PLANNED_NOTICE_WORKING_DAYS: '3' }), /from 7/);
  });
});
